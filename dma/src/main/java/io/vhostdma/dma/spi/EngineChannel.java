package io.vhostdma.dma.spi;

import io.vhostdma.dma.CompletionInfo;
import java.lang.foreign.MemorySegment;

/**
 * One virtual channel of an engine: the fast path the layer drives after its own checks. Called by the
 * channel's one user thread (never concurrently); nothing here may allocate, block or throw.
 *
 * <p>Every address is already translated and access-checked by the layer: the range lies inside
 * memory registered and mapped to this device, the domain rules hold, nothing is revoked. An engine
 * copies through the segments (software engines) or hands the IOVAs to a device (a hardware queue,
 * whose memory the provider registered and the engine mapped). Enqueue calls return a non-negative
 * engine index (the layer keeps its own ring indexes) or {@code -ENOSPC} when the engine's ring is full
 * (the op was not taken). Ops complete in enqueue order through the engine's own completion path:
 * {@link #completed} reports successes up to the first failure (which stays at the head until
 * {@link #completedStatus} reaps it), as {@code rte_dma_completed} and {@code rte_dma_completed_status}
 * do. {@code flags} carry only {@link io.vhostdma.dma.OpFlags#FENCE} and
 * {@link io.vhostdma.dma.OpFlags#LLC} (the same bits as DPDK's); the layer submits by calling
 * {@link #submit}.
 */
public interface EngineChannel {
    /**
     * Enqueues a copy.
     *
     * @param src       source segment
     * @param srcOffset offset of the first source byte in it
     * @param srcIova   the source IOVA
     * @param dst       destination segment
     * @param dstOffset offset of the first destination byte in it
     * @param dstIova   the destination IOVA
     * @param len       bytes, at least 1
     * @param flags     op flags (fence, cache hint)
     * @return a non-negative engine index, or {@code -ENOSPC}
     */
    int copy(MemorySegment src, long srcOffset, long srcIova, MemorySegment dst, long dstOffset, long dstIova,
             int len, long flags);

    /**
     * Enqueues a scatter-gather copy (totals are equal; read during the call only).
     *
     * @return a non-negative engine index, or {@code -ENOSPC}
     */
    int copySg(SgList src, SgList dst, long flags);

    /**
     * Enqueues a fill with the repeated little-endian 8-byte pattern.
     *
     * @return a non-negative engine index, or {@code -ENOSPC}
     */
    int fill(long pattern, MemorySegment dst, long dstOffset, long dstIova, int len, long flags);

    /** Makes every enqueued op visible to the engine (the doorbell). @return 0 or a negative errno */
    int submit();

    /**
     * Reaps successful ops in order, stopping before the first failed one.
     *
     * @param max most ops
     * @param out receives {@code hasError} (a failed op is next); {@code lastIndex} is ignored
     * @return ops reaped
     */
    int completed(int max, CompletionInfo out);

    /**
     * Reaps ops in order whatever their status.
     *
     * @param max      most ops
     * @param statuses receives one {@link io.vhostdma.dma.DmaStatus} per op from {@code offset} on
     * @param offset   first index to write
     * @return ops reaped
     */
    int completedStatus(int max, int[] statuses, int offset);

    /** @return how many more ops the engine's ring takes now */
    int burstCapacity();

    /** @return id of the Java thread that last executed this channel's ops, 0 when none (or not a Java thread) */
    default long lastExecutorThreadId() {
        return 0;
    }

    /** @return extra state for dumps, starting with a space (e.g. {@code " lastFault=..."}), or empty */
    default String describe() {
        return "";
    }
}
