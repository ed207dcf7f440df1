package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.memory.GuestMemory;

/**
 * The F_SEAL_SHRINK rule: a channel whose engine copies outside the JVM (a DPDK dmadev: a native thread
 * or a device) is handed only guest memory that cannot shrink under its mapping — a memfd sealed with
 * F_SEAL_SHRINK, or a dma-buf — because a front end truncating its memfd would raise SIGBUS in that
 * thread and kill vhostd, where a JVM thread gets an exception it contains. A ring whose own memory is
 * not sealed takes the CPU path instead of such a channel: one WARNING line, counted as
 * {@code dma_unsealed_fallback} on the queue. (A frame from an unsealed guest to a sealed one's bound RX
 * ring goes through a host buffer instead of the one-copy path: {@link Delivery}.)
 */
final class SealedMemoryRule {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");

    private SealedMemoryRule() {
    }

    /**
     * @param binding  the queue's configured binding, or null
     * @param memory   the port's current guest memory
     * @param counters the queue's counters
     * @param where    {@code port=.. queue=..} for the log line
     * @return the binding the ring uses: {@code binding}, or null (CPU copies) when the rule forbids it
     */
    static ChannelBinding apply(ChannelBinding binding, GuestMemory memory, QueueCounters counters, String where) {
        if (binding == null || !binding.sealedMemoryOnly() || memory.fixedSize()) {
            return binding;
        }
        counters.dmaUnsealedFallback();
        LOG.log(System.Logger.Level.WARNING, "dma binding not used, the queue copies with the CPU: " + where
                + " channel=" + binding.name() + " reason=guest memory not sealed against shrinking (F_SEAL_SHRINK);"
                + " the channel's engine copies outside the JVM, where a shrunk memfd would kill vhostd"
                + " (dpdk.unsealed-memory: allow overrides)");
        return null;
    }
}
