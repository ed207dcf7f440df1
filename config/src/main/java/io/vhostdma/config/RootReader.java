package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The top level of the config document: dispatches each key, in document order, to its section
 * reader, then applies defaults and the checks that span sections.
 *
 * <p>Adding a section: give it a reader, a key in {@link #KEYS}, a case in {@link #readKey} and a
 * record component; a section that is planned but not built yet goes in {@link #NOT_SUPPORTED_YET}.
 */
final class RootReader {

    static final List<String> KEYS = List.of("ports", "workers", "worker-cpus", "forwarding", "management");

    /** Sections of design.md §7 that arrive with later work, each with the reason shown to the user. */
    static final Map<String, String> NOT_SUPPORTED_YET = Map.of(
            "dma", "not supported yet (arrives with the DMA data path)",
            "bindings", "not supported yet (arrives with the DMA data path)",
            "access-groups", "not supported yet (arrives with DMA access groups)");

    private final Problems problems;
    private List<PortConfig> ports;
    private boolean portsSeen;
    private Integer workers = VhostdConfig.DEFAULT_WORKERS;
    private List<Integer> workerCpus = List.of();
    private Forwarding forwarding = Forwarding.SWITCH;
    private ManagementConfig management = ManagementConfig.defaults();

    private RootReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * The config in {@code root}, or {@code null} when any problem was recorded.
     *
     * @param root   the parsed document; a missing or null node is an empty document
     * @param source label for problems about the document as a whole
     */
    static VhostdConfig read(JsonNode root, String source, Problems problems) {
        RootReader reader = new RootReader(problems);
        if (root == null || root.isMissingNode() || root.isNull()) {
            reader.finish();
            return null;
        }
        if (!root.isObject()) {
            problems.addLine(source + ": must be a mapping with a ports list, got " + Nodes.describe(root));
            return null;
        }
        for (var entry : root.properties()) {
            reader.readKey(entry.getKey(), entry.getValue());
        }
        return reader.finish();
    }

    private void readKey(String key, JsonNode value) {
        ConfigPath path = ConfigPath.ROOT.key(key);
        switch (key) {
            case "ports" -> {
                portsSeen = true;
                ports = PortsReader.read(value, path, problems);
            }
            case "workers" -> workers = WorkersReader.readWorkers(value, path, problems);
            case "worker-cpus" -> workerCpus = WorkersReader.readCpus(value, path, problems);
            case "forwarding" -> forwarding = Nodes.oneOf(value, path, problems, Forwarding.class);
            case "management" -> management = ManagementReader.read(value, path, problems);
            default -> {
                String notYet = NOT_SUPPORTED_YET.get(key);
                problems.add(path, notYet != null ? notYet
                        : "unknown key (known: " + String.join(", ", KEYS) + ")");
            }
        }
    }

    private VhostdConfig finish() {
        if (!portsSeen) {
            PortsReader.read(null, ConfigPath.ROOT.key("ports"), problems);
        }
        if (workers != null && workerCpus != null) {
            WorkersReader.checkOnePerWorker(workerCpus, workers, ConfigPath.ROOT.key("worker-cpus"), problems);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new VhostdConfig(ports, workers, workerCpus, forwarding, management);
    }
}
