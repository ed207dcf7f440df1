package io.vhostdma.backend.dataplane;

/**
 * What the data plane needs from the DMA side of the daemon: which channel serves a queue. (Registering each
 * guest's memory with the DMA layer is the DMA side's own business, told by the vhost-user session through
 * {@link io.vhostdma.vhost.protocol.GuestMemoryListener}, not through the data plane.)
 */
public interface DmaHooks {
    /** No DMA: every queue copies with the CPU. */
    DmaHooks NONE = new DmaHooks() {
    };

    /** The channel bound to {@code port}'s vring {@code ringIndex}, or null for CPU copies. */
    default ChannelBinding binding(String port, int ringIndex) {
        return null;
    }
}
