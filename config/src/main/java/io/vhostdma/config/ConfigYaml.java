package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Renders a {@link VhostdConfig} as YAML that {@link ConfigLoader} reads back to an equal config.
 * Every key is written, defaults included, so the output documents the effective configuration.
 * Access-group tokens are written as quoted literals (the resolved secret, not its {@code env:} or
 * {@code file:} source).
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
            out.append("    mac-limit: ").append(port.macLimit()).append('\n');
            if (!port.allowedMacs().isEmpty()) {
                out.append("    allowed-macs: [");
                for (int i = 0; i < port.allowedMacs().size(); i++) {
                    out.append(i == 0 ? "" : ", ").append(scalar(port.allowedMacs().get(i)));
                }
                out.append("]\n");
            }
            if (port.socketGroup() != null) {
                out.append("    socket-group: ").append(scalar(port.socketGroup())).append('\n');
            }
        }
        renderDma(config, out);
        renderBindings(config, out);
        renderAccessGroups(config, out);
        out.append("workers: ").append(config.workers()).append('\n');
        if (!config.workerCpus().isEmpty()) {
            out.append("worker-cpus: ").append(config.workerCpus()).append('\n');
        }
        out.append("forwarding: ").append(config.forwarding().configName()).append('\n');
        out.append("mac-aging-time: ").append(config.macAgingTime()).append('\n');
        if (config.runtimeDir() != null) {
            out.append("runtime-dir: ").append(scalar(config.runtimeDir().toString())).append('\n');
        }
        renderManagement(config.management(), out);
        if (!config.dpdk().equals(DpdkConfig.defaults())) {
            renderDpdk(config, out);
        }
        return out.toString();
    }

    private static void renderManagement(ManagementConfig m, StringBuilder out) {
        out.append("management:\n");
        out.append("  socket-mode: \"").append(SocketModes.format(m.socketMode())).append("\"\n");
        if (m.socketGroup() != null) {
            out.append("  socket-group: ").append(scalar(m.socketGroup())).append('\n');
        }
        out.append("  ro-socket-mode: \"").append(SocketModes.format(m.roSocketMode())).append("\"\n");
        out.append(m.socketDirs().isEmpty() ? "  socket-dirs: []\n" : "  socket-dirs:\n");
        for (java.nio.file.Path dir : m.socketDirs()) {
            out.append("    - ").append(scalar(dir.toString())).append('\n');
        }
        if (m.grpc() != null) {
            out.append("  grpc: ").append(scalar(m.grpc().toString())).append('\n');
            out.append("  token: ").append(scalar(Tokens.FILE_PREFIX + m.tokenFile())).append('\n');
        }
        out.append("  metrics: ").append(scalar(m.metrics().toString())).append('\n');
    }

    private static void renderDma(VhostdConfig config, StringBuilder out) {
        out.append(config.dma().isEmpty() ? "dma: []\n" : "dma:\n");
        for (DmaDeviceConfig device : config.dma()) {
            out.append("  - name: ").append(scalar(device.name())).append('\n');
            out.append("    engine: ").append(scalar(device.engine())).append('\n');
            out.append("    channels: ").append(device.channels()).append('\n');
            out.append("    ring-size: ").append(device.ringSize()).append('\n');
            if (device.dpdkDevice() != null) {
                out.append("    dpdk-device: ").append(scalar(device.dpdkDevice())).append('\n');
                continue;
            }
            out.append("    error-probability: ")
                    .append(BigDecimal.valueOf(device.errorProbability()).toPlainString()).append('\n');
            out.append("    completion-delay-us: ").append(device.completionDelayUs()).append('\n');
        }
    }

    private static void renderDpdk(VhostdConfig config, StringBuilder out) {
        out.append("dpdk:\n");
        out.append("  eal-args: [");
        for (int i = 0; i < config.dpdk().ealArgs().size(); i++) {
            out.append(i == 0 ? "" : ", ").append(Nodes.quote(config.dpdk().ealArgs().get(i)));
        }
        out.append("]\n");
        out.append("  unsealed-memory: ").append(config.dpdk().unsealedMemory().configName()).append('\n');
    }

    private static void renderBindings(VhostdConfig config, StringBuilder out) {
        out.append(config.bindings().isEmpty() ? "bindings: []\n" : "bindings:\n");
        for (BindingConfig binding : config.bindings()) {
            out.append("  - { port: ").append(scalar(binding.port()))
                    .append(", queue: ").append(binding.queue())
                    .append(", channel: ").append(scalar(binding.channelName())).append(" }\n");
        }
    }

    private static void renderAccessGroups(VhostdConfig config, StringBuilder out) {
        out.append(config.accessGroups().isEmpty() ? "access-groups: []\n" : "access-groups:\n");
        for (AccessGroupConfig group : config.accessGroups()) {
            if (!Tokens.isLiteral(group.token())) {
                throw new IllegalArgumentException("token cannot be written as a literal (it begins with env: or"
                        + " file:): group=" + group.name());
            }
            out.append("  - name: ").append(scalar(group.name())).append('\n');
            out.append("    token: ").append(Nodes.quote(group.token())).append('\n');
            out.append("    members: [");
            for (int i = 0; i < group.members().size(); i++) {
                out.append(i == 0 ? "" : ", ").append(scalar(group.members().get(i)));
            }
            out.append("]\n");
        }
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
