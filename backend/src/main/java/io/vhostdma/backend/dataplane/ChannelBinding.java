package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.DmaChannel;

/**
 * A DMA channel bound to one virtqueue.
 *
 * @param channel the channel (driven only by the worker owning the queue)
 * @param name    {@code device/index}, as in the config
 */
public record ChannelBinding(DmaChannel channel, String name) {
}
