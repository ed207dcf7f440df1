package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The top level of the config document: dispatches each key, in document order, to its section
 * reader, then applies defaults and the checks that span sections.
 *
 * <p>Adding a section: give it a reader, a key in {@link #KEYS}, a case in {@link #readKey} and a
 * record component. Checks that need another section ({@link BindingRules}, {@link MembershipRules},
 * the {@code worker-cpus} count) run in {@link #finish}, after every section is read, so their problems
 * come last.
 */
final class RootReader {

    static final List<String> KEYS = List.of("ports", "workers", "worker-cpus", "forwarding", "management",
            "dma", "bindings", "access-groups", "mac-aging-time", "runtime-dir", "dpdk");

    private final Problems problems;
    private final Map<String, String> env;
    private List<PortConfig> ports;
    private boolean portsSeen;
    private Integer workers = VhostdConfig.DEFAULT_WORKERS;
    private List<Integer> workerCpus = List.of();
    private Forwarding forwarding = Forwarding.SWITCH;
    private ManagementConfig management = ManagementConfig.defaults();
    private List<DmaDeviceConfig> dma = List.of();
    /** One element per entry, {@code null} where the entry had a problem; {@code null} if not a list. */
    private List<BindingConfig> bindings = List.of();
    /** One element per entry, {@code null} where the entry had a problem; {@code null} if not a list. */
    private List<AccessGroupConfig> accessGroups = List.of();
    private Integer macAgingTime = VhostdConfig.DEFAULT_MAC_AGING_TIME;
    private Path runtimeDir;
    private DpdkConfig dpdk = DpdkConfig.defaults();

    private RootReader(Problems problems, Map<String, String> env) {
        this.problems = problems;
        this.env = env;
    }

    /**
     * The config in {@code root}, or {@code null} when any problem was recorded.
     *
     * @param root   the parsed document; a missing or null node is an empty document
     * @param source label for problems about the document as a whole
     * @param env    the environment {@code env:VAR} tokens are read from
     */
    static VhostdConfig read(JsonNode root, String source, Map<String, String> env, Problems problems) {
        RootReader reader = new RootReader(problems, env);
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
            case "dma" -> dma = DmaReader.read(value, path, problems);
            case "bindings" -> bindings = BindingsReader.read(value, path, problems);
            case "access-groups" -> accessGroups = AccessGroupsReader.read(value, path, env, problems);
            case "mac-aging-time" -> macAgingTime = Nodes.intInRange(value, path, problems, 1,
                    VhostdConfig.MAX_MAC_AGING_TIME);
            case "runtime-dir" -> runtimeDir = Directories.read(value, path, problems);
            case "dpdk" -> dpdk = DpdkReader.read(value, path, problems);
            default -> problems.add(path, "unknown key (known: " + String.join(", ", KEYS) + ")");
        }
    }

    private VhostdConfig finish() {
        if (!portsSeen) {
            PortsReader.read(null, ConfigPath.ROOT.key("ports"), problems);
        }
        if (workers != null && workerCpus != null) {
            WorkersReader.checkOnePerWorker(workerCpus, workers, ConfigPath.ROOT.key("worker-cpus"), problems);
        }
        if (bindings != null) {
            BindingRules.check(bindings, ConfigPath.ROOT.key("bindings"), ports, dma, problems);
        }
        if (accessGroups != null) {
            MembershipRules.check(accessGroups, ConfigPath.ROOT.key("access-groups"), ports, problems);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new VhostdConfig(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups,
                macAgingTime, runtimeDir, dpdk);
    }
}
