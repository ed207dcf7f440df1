package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.regex.Pattern;

/**
 * Renders a {@link VhostdConfig} as YAML that {@link ConfigLoader} reads back to an equal config.
 * Every key is written, defaults included, so the output documents the effective configuration.
 */
final class ConfigYaml {

    private static final Pattern PLAIN_CANDIDATE = Pattern.compile("[A-Za-z0-9/][A-Za-z0-9/_.:-]*");
    private static final YAMLMapper PROBE = new YAMLMapper();

    private ConfigYaml() {
    }

    static String render(VhostdConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# vhostd configuration; reference: docs/config.md\n");
        out.append("ports:\n");
        for (PortConfig port : config.ports()) {
            out.append("  - name: ").append(scalar(port.name())).append('\n');
            out.append("    socket: ").append(scalar(port.socket().toString())).append('\n');
            out.append("    mode: ").append(port.mode().configName()).append('\n');
            out.append("    queue-pairs: ").append(port.queuePairs()).append('\n');
            out.append("    socket-mode: \"").append(SocketModes.format(port.socketMode())).append("\"\n");
        }
        out.append("workers: ").append(config.workers()).append('\n');
        if (!config.workerCpus().isEmpty()) {
            out.append("worker-cpus: ").append(config.workerCpus()).append('\n');
        }
        out.append("forwarding: ").append(config.forwarding().configName()).append('\n');
        out.append("management:\n");
        out.append("  grpc: ").append(scalar(config.management().grpc().toString())).append('\n');
        out.append("  metrics: ").append(scalar(config.management().metrics().toString())).append('\n');
        return out.toString();
    }

    /**
     * {@code value} unquoted when YAML reads it back as the same string (so {@code vm0} and
     * {@code 127.0.0.1:50051} stay readable), otherwise double-quoted with JSON escapes
     * ({@code "true"}, {@code "007"}, {@code "[::1]:50051"}).
     */
    static String scalar(String value) {
        if (PLAIN_CANDIDATE.matcher(value).matches() && !value.endsWith(":") && readsBackAsString(value)) {
            return value;
        }
        return Nodes.quote(value);
    }

    private static boolean readsBackAsString(String value) {
        try {
            JsonNode node = PROBE.readTree("k: " + value + "\n").get("k");
            return node != null && node.isTextual() && node.textValue().equals(value);
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
