package io.vhostdma.backend.dataplane;

import io.vhostdma.config.ChannelRef;
import io.vhostdma.dma.DmaChannel;

/**
 * A DMA channel bound to one virtqueue.
 *
 * @param channel          the channel (driven only by the worker owning the queue)
 * @param ref              the channel's name ({@code device/index}, as in the config)
 * @param sealedMemoryOnly the channel's engine copies outside the JVM ({@code NATIVE_ACCESS}) and the
 *                         config does not allow unsealed memory: it may touch only guest memory whose
 *                         size is fixed ({@link io.vhostdma.vhost.memory.GuestMemory#fixedSize()})
 */
public record ChannelBinding(DmaChannel channel, ChannelRef ref, boolean sealedMemoryOnly) {

    /** {@code device/index}, as in the config. */
    public String name() {
        return ref.toString();
    }
}
