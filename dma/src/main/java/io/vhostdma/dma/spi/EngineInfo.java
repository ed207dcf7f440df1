package io.vhostdma.dma.spi;

/**
 * What one engine instance (one device) offers: its capabilities and limits, as a dmadev's
 * {@code rte_dma_info}. The device validates {@code configure}/{@code setupChannel} against them.
 *
 * @param capabilities {@link io.vhostdma.dma.DmaCapability} bits
 * @param maxChannels  most virtual channels
 * @param minRingSize  smallest ring size (a power of two)
 * @param maxRingSize  largest ring size (a power of two, at most 65536)
 * @param maxSges      most entries per side of a scatter-gather copy (0 without {@code OPS_COPY_SG})
 */
public record EngineInfo(long capabilities, int maxChannels, int minRingSize, int maxRingSize, int maxSges) {
}
