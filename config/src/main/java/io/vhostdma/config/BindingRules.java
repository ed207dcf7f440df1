package io.vhostdma.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of {@code bindings} that need the {@code ports} and {@code dma} sections: the port
 * exists and has the queue, the device exists and has the channel, and no queue or channel is bound
 * twice (the second binding is reported, naming the first). A check whose referenced section had a
 * problem of its own is skipped: what it refers to is unknown.
 */
final class BindingRules {

    private final List<BindingConfig> entries;
    private final ConfigPath listPath;
    private final Problems problems;
    private final Map<String, PortConfig> ports;
    private final Map<String, DmaDeviceConfig> devices;
    private final Map<String, Integer> boundQueues = new HashMap<>();
    private final Map<String, Integer> boundChannels = new HashMap<>();

    private BindingRules(List<BindingConfig> entries, ConfigPath listPath, Problems problems,
                         Map<String, PortConfig> ports, Map<String, DmaDeviceConfig> devices) {
        this.entries = entries;
        this.listPath = listPath;
        this.problems = problems;
        this.ports = ports;
        this.devices = devices;
    }

    /**
     * Checks {@code entries} (one per list entry, {@code null} for an entry already reported).
     *
     * @param ports   the ports, or {@code null} when that section had a problem
     * @param devices the DMA devices, or {@code null} when that section had a problem
     */
    static void check(List<BindingConfig> entries, ConfigPath listPath, List<PortConfig> ports,
                      List<DmaDeviceConfig> devices, Problems problems) {
        Map<String, PortConfig> portsByName = null;
        if (ports != null) {
            portsByName = new LinkedHashMap<>();
            for (PortConfig port : ports) {
                portsByName.put(port.name(), port);
            }
        }
        Map<String, DmaDeviceConfig> devicesByName = null;
        if (devices != null) {
            devicesByName = new LinkedHashMap<>();
            for (DmaDeviceConfig device : devices) {
                devicesByName.put(device.name(), device);
            }
        }
        BindingRules rules = new BindingRules(entries, listPath, problems, portsByName, devicesByName);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) != null) {
                rules.checkQueue(entries.get(i), i);
                rules.checkChannel(entries.get(i), i);
            }
        }
    }

    private void checkQueue(BindingConfig binding, int index) {
        ConfigPath at = listPath.index(index);
        if (ports != null) {
            PortConfig port = ports.get(binding.port());
            if (port == null) {
                problems.add(at.key("port"), binding.port() + " does not exist (ports: "
                        + String.join(", ", ports.keySet()) + ")");
                return;
            }
            if (binding.queue().queuePair() >= port.queuePairs()) {
                problems.add(at.key("queue"), binding.queue() + " is beyond port " + port.name()
                        + "'s queue-pairs (" + port.queuePairs() + ")");
                return;
            }
        }
        String queue = binding.port() + "/" + binding.queue();
        Integer first = boundQueues.putIfAbsent(queue, index);
        if (first != null) {
            problems.add(at.key("queue"), queue + " is already bound to "
                    + bindingAt(first).channelName() + " (" + listPath.index(first) + ")");
        }
    }

    private void checkChannel(BindingConfig binding, int index) {
        ConfigPath at = listPath.index(index).key("channel");
        if (devices != null) {
            DmaDeviceConfig device = devices.get(binding.device());
            if (device == null) {
                problems.add(at, "device " + binding.device() + " does not exist" + knownDevices());
                return;
            }
            if (binding.channel() >= device.channels()) {
                problems.add(at, binding.channelName() + " does not exist (" + device.name() + " has "
                        + device.channels() + (device.channels() == 1 ? " channel)" : " channels)"));
                return;
            }
        }
        Integer first = boundChannels.putIfAbsent(binding.channelName(), index);
        if (first != null) {
            BindingConfig earlier = bindingAt(first);
            problems.add(at, binding.channelName() + " is already bound to " + earlier.port() + "/"
                    + earlier.queue() + " (" + listPath.index(first) + ")");
        }
    }

    private String knownDevices() {
        return devices.isEmpty() ? " (no dma devices are configured)"
                : " (dma: " + String.join(", ", devices.keySet()) + ")";
    }

    private BindingConfig bindingAt(int index) {
        return entries.get(index);
    }
}
