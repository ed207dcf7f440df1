package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The {@code management} section: loopback listen addresses of the gRPC API and the metrics endpoint. */
final class ManagementReader {

    static final List<String> KEYS = List.of("grpc", "metrics");

    private ManagementReader() {
    }

    /** The section, or {@code null} after recording a problem. */
    static ManagementConfig read(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        Mapping section = Mapping.of(node, path, problems, KEYS);
        HostPort grpc = address(section, "grpc", ManagementConfig.DEFAULT_GRPC, problems);
        HostPort metrics = address(section, "metrics", ManagementConfig.DEFAULT_METRICS, problems);
        if (grpc == null || metrics == null) {
            return null;
        }
        if (grpc.port() != 0 && grpc.equals(metrics)) {
            problems.add(section.path("metrics"), metrics + " is already used by " + section.path("grpc"));
            return null;
        }
        return new ManagementConfig(grpc, metrics);
    }

    private static HostPort address(Mapping section, String key, HostPort fallback, Problems problems) {
        return section.has(key) ? HostPorts.read(section.get(key), section.path(key), problems) : fallback;
    }
}
