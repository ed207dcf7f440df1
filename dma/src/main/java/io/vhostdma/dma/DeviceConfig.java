package io.vhostdma.dma;

/**
 * Device-level configuration passed to {@link DmaDevice#configure}.
 *
 * @param channels number of virtual channels, 1..{@link DmaInfo#maxChannels()}
 */
public record DeviceConfig(int channels) {
}
