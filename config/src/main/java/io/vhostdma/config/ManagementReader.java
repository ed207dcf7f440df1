package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code management} section: modes and group of the two management sockets, the directories
 * AddPort may use, the optional TCP endpoint with its token file, and the metrics address.
 */
final class ManagementReader {

    static final List<String> KEYS = List.of("socket-mode", "socket-group", "ro-socket-mode", "socket-dirs", "grpc",
            "token", "metrics");

    private ManagementReader() {
    }

    /** The section, or {@code null} after recording a problem. */
    static ManagementConfig read(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping section = Mapping.of(node, path, problems, KEYS);
        HostPort grpc = section.has("grpc") ? HostPorts.read(section.get("grpc"), section.path("grpc"), problems) : null;
        HostPort metrics = section.has("metrics")
                ? HostPorts.read(section.get("metrics"), section.path("metrics"), problems)
                : ManagementConfig.DEFAULT_METRICS;
        Integer mode = mode(section, "socket-mode", ManagementConfig.MAX_SOCKET_MODE, problems);
        Integer roMode = mode(section, "ro-socket-mode", ManagementConfig.MAX_RO_SOCKET_MODE, problems);
        String group = section.has("socket-group")
                ? SocketGroups.read(section.get("socket-group"), section.path("socket-group"), mode, problems)
                : null;
        List<Path> dirs = section.has("socket-dirs")
                ? Directories.readList(section.get("socket-dirs"), section.path("socket-dirs"), problems)
                : List.of();
        Path tokenFile = section.has("token") ? token(section, problems) : null;
        checkTcp(section, problems);
        if (grpc != null && grpc.port() != 0 && grpc.equals(metrics)) {
            problems.add(section.path("metrics"), metrics + " is already used by " + section.path("grpc"));
        }
        if (problems.count() != before) {
            return null;
        }
        return new ManagementConfig(grpc, metrics, mode, group, roMode, tokenFile, dirs);
    }

    private static Integer mode(Mapping section, String key, int max, Problems problems) {
        return section.has(key) ? SocketModes.read(section.get(key), section.path(key), max, problems)
                : Integer.valueOf(ManagementConfig.DEFAULT_SOCKET_MODE);
    }

    /** A TCP endpoint needs a token and a token needs a TCP endpoint. */
    private static void checkTcp(Mapping section, Problems problems) {
        if (section.has("grpc") && !section.has("token")) {
            problems.add(section.path("grpc"), "a TCP endpoint needs management.token (file:PATH): without a token"
                    + " every local user could steer vhostd");
        }
        if (section.has("token") && !section.has("grpc")) {
            problems.add(section.path("token"), "is only used by the TCP endpoint, and management.grpc is not set");
        }
    }

    /** {@code token: file:PATH}: the token file's path once its contents were checked, or {@code null}. */
    private static Path token(Mapping section, Problems problems) {
        ConfigPath path = section.path("token");
        JsonNode node = section.get("token");
        if (node == null || !node.isTextual() || !node.textValue().startsWith(Tokens.FILE_PREFIX)) {
            problems.add(path, "must be file:PATH (the token is read from a file, never written in the config)");
            return null;
        }
        String name = node.textValue().substring(Tokens.FILE_PREFIX.length());
        return Tokens.fromPrivateFile(name, path, problems) == null ? null : Path.of(name);
    }
}
