package io.vhostdma.dma;

/**
 * Channel configuration passed to {@link DmaDevice#setupChannel}.
 *
 * @param ringSize descriptors in the channel's ring: a power of two within the device's
 *                 {@link DmaInfo#minRingSize()}..{@link DmaInfo#maxRingSize()}; it is also the channel's
 *                 capacity of outstanding (enqueued but not yet reaped) operations
 */
public record ChannelConfig(int ringSize) {
}
