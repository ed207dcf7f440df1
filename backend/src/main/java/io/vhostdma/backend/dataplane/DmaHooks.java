package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.memory.GuestMemory;

/**
 * What the data plane needs from the DMA side of the daemon: which channel serves a queue, and the
 * registration of each guest's memory with the DMA layer. Methods other than {@link #binding} may
 * block and are called off the data-plane threads.
 */
public interface DmaHooks {
    /** No DMA: every queue copies with the CPU. */
    DmaHooks NONE = new DmaHooks() {
    };

    /** The channel bound to {@code port}'s vring {@code ringIndex}, or null for CPU copies. */
    default ChannelBinding binding(String port, int ringIndex) {
        return null;
    }

    /** Stop every copy into or out of {@code port}'s current guest memory (it is about to go away). */
    default void retire(String port) {
    }

    /** {@code port}'s guest memory changed from {@code old} to {@code next}: re-register it. */
    default void changed(String port, GuestMemory old, GuestMemory next) {
    }
}
