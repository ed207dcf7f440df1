package io.vhostdma.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A validated vhostd configuration (design.md §7). Obtain one from {@link ConfigLoader} or
 * {@link EmbeddedDefault}; the lists are immutable.
 *
 * <p>The five-component constructor (no DMA devices, bindings or groups) stays for code written
 * before the DMA sections existed.
 *
 * @param ports      the ports, at least one, unique names and sockets
 * @param workers    number of data-plane worker agents, 1..64
 * @param workerCpus CPU to pin each worker to (index = worker); empty = no pinning, else size = workers
 * @param forwarding what happens to transmitted packets
 * @param management management-plane listen addresses
 * @param dma        the DMA devices (may be empty)
 * @param bindings   per-virtqueue DMA channel bindings; an unbound queue copies with the CPU
 * @param accessGroups the access groups; ports in none share the default segment
 * @param macAgingTime seconds after which the switch forgets a source MAC not seen again, 1..{@value #MAX_MAC_AGING_TIME}
 * @param runtimeDir the runtime directory (management sockets), or {@code null} for
 *                   {@link RuntimeDir#resolve the default}
 * @param dpdk       the DPDK runtime's settings (used only when a device has {@code engine: dpdk})
 */
public record VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus,
                           Forwarding forwarding, ManagementConfig management, List<DmaDeviceConfig> dma,
                           List<BindingConfig> bindings, List<AccessGroupConfig> accessGroups, int macAgingTime,
                           Path runtimeDir, DpdkConfig dpdk) {

    /** Default {@code workers}. */
    public static final int DEFAULT_WORKERS = 1;
    /** Default {@code mac-aging-time} in seconds (Open vSwitch's default too). */
    public static final int DEFAULT_MAC_AGING_TIME = 300;
    /** Highest {@code mac-aging-time} accepted: one day. */
    public static final int MAX_MAC_AGING_TIME = 86400;

    /** Copies the lists and checks the components are present. */
    public VhostdConfig {
        ports = List.copyOf(ports);
        workerCpus = List.copyOf(workerCpus);
        dma = List.copyOf(dma);
        bindings = List.copyOf(bindings);
        accessGroups = List.copyOf(accessGroups);
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(management, "management");
        runtimeDir = runtimeDir == null ? null : runtimeDir.normalize();
        Objects.requireNonNull(dpdk, "dpdk");
    }

    /** A config with the default {@code mac-aging-time}, runtime directory and DPDK settings. */
    public VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus, Forwarding forwarding,
                        ManagementConfig management, List<DmaDeviceConfig> dma, List<BindingConfig> bindings,
                        List<AccessGroupConfig> accessGroups) {
        this(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups, DEFAULT_MAC_AGING_TIME,
                null, DpdkConfig.defaults());
    }

    /** A config without DMA devices, bindings or access groups. */
    public VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus, Forwarding forwarding,
                        ManagementConfig management) {
        this(ports, workers, workerCpus, forwarding, management, List.of(), List.of(), List.of());
    }

    /** This config with runtime directory {@code dir} ({@code null} = the default). */
    public VhostdConfig withRuntimeDir(Path dir) {
        return new VhostdConfig(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups,
                macAgingTime, dir, dpdk);
    }

    /** This config with {@code mac-aging-time} {@code seconds}. */
    public VhostdConfig withMacAgingTime(int seconds) {
        return new VhostdConfig(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups,
                seconds, runtimeDir, dpdk);
    }

    /** This config with DPDK settings {@code settings}. */
    public VhostdConfig withDpdk(DpdkConfig settings) {
        return new VhostdConfig(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups,
                macAgingTime, runtimeDir, settings);
    }

    /** The binding of {@code port}'s {@code queue}, or {@code null} when it is unbound. */
    public BindingConfig binding(String port, QueueRef queue) {
        for (BindingConfig b : bindings) {
            if (b.port().equals(port) && b.queue().equals(queue)) {
                return b;
            }
        }
        return null;
    }

    /** The access group {@code port} is a configured member of, or {@code null}. */
    public AccessGroupConfig groupOf(String port) {
        for (AccessGroupConfig g : accessGroups) {
            if (g.members().contains(port)) {
                return g;
            }
        }
        return null;
    }

    /** The port called {@code name}, or {@code null} if there is none. */
    public PortConfig port(String name) {
        for (PortConfig port : ports) {
            if (port.name().equals(name)) {
                return port;
            }
        }
        return null;
    }
}
