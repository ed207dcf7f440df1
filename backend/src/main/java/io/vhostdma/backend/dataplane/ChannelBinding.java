package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.DmaChannel;

/**
 * A DMA channel bound to one virtqueue.
 *
 * @param channel          the channel (driven only by the worker owning the queue)
 * @param name             {@code device/index}, as in the config
 * @param sealedMemoryOnly the channel's engine copies outside the JVM ({@code NATIVE_ACCESS}) and the
 *                         config does not allow unsealed memory: it may touch only guest memory whose
 *                         size is fixed ({@link io.vhostdma.vhost.memory.GuestMemory#fixedSize()})
 */
public record ChannelBinding(DmaChannel channel, String name, boolean sealedMemoryOnly) {

    /** A binding to a channel that may touch any registered memory. */
    public ChannelBinding(DmaChannel channel, String name) {
        this(channel, name, false);
    }
}
