package io.vhostdma.backend.control;

import java.util.List;

/**
 * The backend as a whole.
 *
 * @param version       vhost-dma's version
 * @param startedMillis start time, milliseconds since the epoch
 * @param uptimeMillis  time since start
 * @param forwarding    {@code switch} or {@code sink}
 * @param ports         number of ports
 * @param workers       the data-plane workers
 * @param engines       the DMA engines this build offers ({@code cpu}, {@code sw}, SPI-provided)
 * @param refusedJoins  access-group joins refused so far (wrong token, unknown group, …)
 */
public record StatusView(String version, long startedMillis, long uptimeMillis, String forwarding, int ports,
                         List<WorkerView> workers, List<String> engines, long refusedJoins) {
}
