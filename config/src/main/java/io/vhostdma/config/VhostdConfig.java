package io.vhostdma.config;

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
 * @param dpdk       the DPDK runtime's settings (used only when a device has {@code engine: dpdk})
 */
public record VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus,
                           Forwarding forwarding, ManagementConfig management, List<DmaDeviceConfig> dma,
                           List<BindingConfig> bindings, List<AccessGroupConfig> accessGroups, DpdkConfig dpdk) {

    /** Default {@code workers}. */
    public static final int DEFAULT_WORKERS = 1;

    /** Copies the lists and checks the components are present. */
    public VhostdConfig {
        ports = List.copyOf(ports);
        workerCpus = List.copyOf(workerCpus);
        dma = List.copyOf(dma);
        bindings = List.copyOf(bindings);
        accessGroups = List.copyOf(accessGroups);
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(dpdk, "dpdk");
    }

    /** A config with the DPDK defaults. */
    public VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus, Forwarding forwarding,
                        ManagementConfig management, List<DmaDeviceConfig> dma, List<BindingConfig> bindings,
                        List<AccessGroupConfig> accessGroups) {
        this(ports, workers, workerCpus, forwarding, management, dma, bindings, accessGroups, DpdkConfig.defaults());
    }

    /** A config without DMA devices, bindings or access groups. */
    public VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus, Forwarding forwarding,
                        ManagementConfig management) {
        this(ports, workers, workerCpus, forwarding, management, List.of(), List.of(), List.of(),
                DpdkConfig.defaults());
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
