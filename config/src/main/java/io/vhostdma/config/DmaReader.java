package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code dma} section: a list of DMA devices with unique names. Whether an engine of the given
 * name exists is decided by the back end when it starts the device, not here.
 */
final class DmaReader {

    static final List<String> KEYS = List.of("name", "engine", "channels", "ring-size", "error-probability",
            "completion-delay-us", "dpdk-device");
    static final Pattern ENGINE = Pattern.compile("[a-z][a-z0-9_-]*");
    static final int MAX_CHANNELS = 64;
    static final int MIN_RING_SIZE = 16;
    static final int MAX_RING_SIZE = 65_536;
    static final int MAX_COMPLETION_DELAY_US = 1_000_000;

    private final ConfigPath listPath;
    private final Problems problems;
    private final Map<String, Integer> names = new HashMap<>();

    private DmaReader(ConfigPath listPath, Problems problems) {
        this.listPath = listPath;
        this.problems = problems;
    }

    /** The devices (possibly none), or {@code null} when any problem was recorded. */
    static List<DmaDeviceConfig> read(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        DmaReader reader = new DmaReader(path, problems);
        List<DmaDeviceConfig> devices = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            DmaDeviceConfig device = reader.readDevice(node.get(i), i);
            if (device != null) {
                devices.add(device);
            }
        }
        return problems.count() == before ? devices : null;
    }

    /** One device, or {@code null} when any of its fields is invalid (all of them are reported). */
    private DmaDeviceConfig readDevice(JsonNode node, int index) {
        ConfigPath path = listPath.index(index);
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping device = Mapping.of(node, path, problems, KEYS);
        String name = Names.readName(device, problems);
        if (name != null) {
            Names.checkUnique(names, name, index, listPath, device.path("name"), "name", problems);
        }
        String engine = readEngine(device);
        Integer channels = device.has("channels")
                ? Nodes.intInRange(device.get("channels"), device.path("channels"), problems, 1, MAX_CHANNELS)
                : Integer.valueOf(DmaDeviceConfig.DEFAULT_CHANNELS);
        Integer ringSize = device.has("ring-size")
                ? readRingSize(device.get("ring-size"), device.path("ring-size"))
                : Integer.valueOf(DmaDeviceConfig.DEFAULT_RING_SIZE);
        Double errorProbability = device.has("error-probability")
                ? readProbability(device.get("error-probability"), device.path("error-probability"))
                : Double.valueOf(0.0);
        Integer delay = device.has("completion-delay-us")
                ? Nodes.intInRange(device.get("completion-delay-us"), device.path("completion-delay-us"), problems,
                        0, MAX_COMPLETION_DELAY_US)
                : Integer.valueOf(0);
        String dpdkDevice = readDpdkDevice(device, engine);
        if (problems.count() != before) {
            return null;
        }
        return new DmaDeviceConfig(name, engine, channels, ringSize, errorProbability, delay, dpdkDevice);
    }

    /**
     * {@code dpdk-device}: required with {@code engine: dpdk}, refused with other engines; the software
     * engines' test knobs are refused with {@code dpdk} (a dmadev has none).
     */
    private String readDpdkDevice(Mapping device, String engine) {
        ConfigPath path = device.path("dpdk-device");
        boolean dpdk = DmaDeviceConfig.DPDK_ENGINE.equals(engine);
        if (!dpdk) {
            if (device.has("dpdk-device") && engine != null) {
                problems.add(path, "only with engine: dpdk (engine is " + engine + ")");
            }
            return null;
        }
        for (String knob : List.of("error-probability", "completion-delay-us")) {
            if (device.has(knob)) {
                problems.add(device.path(knob), "not supported by engine dpdk (a test knob of the software engines)");
            }
        }
        if (!device.has("dpdk-device")) {
            problems.add(path, "is required with engine: dpdk (a dmadev name such as dma_skeleton0)");
            return null;
        }
        String name = Nodes.string(device.get("dpdk-device"), path, problems);
        if (name != null && name.isBlank()) {
            problems.add(path, "must not be empty");
            return null;
        }
        return name;
    }

    private String readEngine(Mapping device) {
        ConfigPath path = device.path("engine");
        if (!device.has("engine")) {
            problems.add(path, "is required");
            return null;
        }
        String engine = Nodes.string(device.get("engine"), path, problems);
        if (engine != null && !ENGINE.matcher(engine).matches()) {
            problems.add(path, Nodes.quote(engine) + " is not a valid engine name"
                    + " (a-z 0-9 _ -, starting with a letter a-z)");
            return null;
        }
        return engine;
    }

    private Integer readRingSize(JsonNode node, ConfigPath path) {
        Integer size = Nodes.intInRange(node, path, problems, MIN_RING_SIZE, MAX_RING_SIZE);
        if (size != null && Integer.bitCount(size) != 1) {
            problems.add(path, size + " is not a power of two");
            return null;
        }
        return size;
    }

    /** A number in [0, 1] (an integer 0 or 1 too), or {@code null} after recording a problem. */
    private Double readProbability(JsonNode node, ConfigPath path) {
        if (node == null || !node.isNumber()) {
            problems.add(path, "must be a number, got " + Nodes.describe(node));
            return null;
        }
        double p = node.doubleValue();
        if (!(p >= 0.0 && p <= 1.0)) {
            problems.add(path, node.asText() + " is out of range (0..1)");
            return null;
        }
        return p;
    }
}
