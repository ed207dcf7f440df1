package io.vhostdma.backend.control;

import java.util.Map;

/**
 * One DMA channel.
 *
 * @param name      {@code device/index}
 * @param device    device name
 * @param index     channel index
 * @param boundTo   {@code port/queue} bound to it, or null
 * @param submitted copies submitted
 * @param completed copies completed (including failed)
 * @param errors    copies failed
 * @param bytes     bytes copied by direction, keyed {@code source->destination} with port names and
 *                  {@code host} for vhostd's own buffers
 * @param engine    the engine's own counters (a DPDK dmadev's statistics: {@code dpdk.submitted},
 *                  {@code dpdk.completed}, {@code dpdk.errors}); empty for the software engines
 */
public record ChannelView(String name, String device, int index, String boundTo, long submitted, long completed,
                          long errors, Map<String, Long> bytes, Map<String, Long> engine) {

    /** A channel without engine counters. */
    public ChannelView(String name, String device, int index, String boundTo, long submitted, long completed,
                       long errors, Map<String, Long> bytes) {
        this(name, device, index, boundTo, submitted, completed, errors, bytes, Map.of());
    }
}
