package io.vhostdma.backend.control;

import java.util.List;

/**
 * One DMA device.
 *
 * @param name     device name
 * @param engine   engine ({@code cpu}, {@code sw}, …)
 * @param ringSize descriptors per channel
 * @param channels its channels
 */
public record DeviceView(String name, String engine, int ringSize, List<ChannelView> channels) {
}
