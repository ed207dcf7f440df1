package io.vhostdma.config;

import java.util.List;
import java.util.Objects;

/**
 * A validated vhostd configuration (design.md §7). Obtain one from {@link ConfigLoader} or
 * {@link EmbeddedDefault}; the lists are immutable.
 *
 * <p>Evolution: the {@code dma}, {@code bindings} and {@code access-groups} sections will be added as
 * new trailing components (empty lists when absent); this five-component constructor will stay as a
 * secondary constructor so code written against it keeps compiling.
 *
 * @param ports      the ports, at least one, unique names and sockets
 * @param workers    number of data-plane worker agents, 1..64
 * @param workerCpus CPU to pin each worker to (index = worker); empty = no pinning, else size = workers
 * @param forwarding what happens to transmitted packets
 * @param management management-plane listen addresses
 */
public record VhostdConfig(List<PortConfig> ports, int workers, List<Integer> workerCpus,
                           Forwarding forwarding, ManagementConfig management) {

    /** Default {@code workers}. */
    public static final int DEFAULT_WORKERS = 1;

    /** Copies the lists and checks the components are present. */
    public VhostdConfig {
        ports = List.copyOf(ports);
        workerCpus = List.copyOf(workerCpus);
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(management, "management");
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
