package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.dma.CompletionInfo;
import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.DmaStatus;

/**
 * The copies one ring submitted to its bound DMA channel, grouped into <em>records</em> (one record =
 * all copies of one packet), in submission order. A channel completes its ops strictly in ring-index
 * order, so records complete in order too: a record is complete once the channel reaped as many ops as
 * had been enqueued when the record was closed. Used only by the worker owning the ring.
 *
 * <p>Protocol per packet: {@link #fits(int)} (capacity first: a packet is submitted whole or not at
 * all), {@link #copy} for each piece, {@link #closeRecord()}; once per burst {@link #submit()} (one
 * doorbell); each duty cycle {@link #poll}, then {@link #headComplete()} / {@link #headFailed()} /
 * {@link #popHead()} while records are complete.
 *
 * <p>Ordering: the DMA layer's completion calls read the engine's progress with acquire semantics,
 * so bytes the engine wrote are visible to this thread once {@link #poll} counted their op; the
 * owner's later release store of {@code used.idx} passes them on to the driver.
 */
final class CopyQueue {
    private static final int REAP = 256;

    private final DmaChannel channel;
    private final long[] recordEnd;
    private final boolean[] recordFailed;
    private final int mask;
    private final int[] statuses = new int[REAP];
    private final CompletionInfo info = new CompletionInfo();
    private long enqueued;
    private long reaped;
    private long submittedUpTo;
    private long head;
    private long tail;

    /**
     * @param channel  the bound channel
     * @param records  most records outstanding at once (rounded up to a power of two)
     */
    CopyQueue(DmaChannel channel, int records) {
        this.channel = channel;
        int cap = Integer.highestOneBit(Math.max(2, records) - 1) << 1;
        this.recordEnd = new long[cap];
        this.recordFailed = new boolean[cap];
        this.mask = cap - 1;
    }

    /** Whether one more record of {@code ops} copies can be enqueued now. */
    boolean fits(int ops) {
        return tail - head <= mask && channel.burstCapacity() >= ops;
    }

    /**
     * Enqueues one copy of the open record.
     *
     * @return the op's ring index, or a negative DMA errno (only if {@link #fits} was not asked first)
     */
    int copy(long srcIova, long dstIova, int len, long flags) {
        int idx = channel.copy(srcIova, dstIova, len, flags);
        if (idx >= 0) {
            enqueued++;
        }
        return idx;
    }

    /** Closes the open record (its copies so far); returns its record slot. */
    int closeRecord() {
        int slot = (int) (tail & mask);
        recordEnd[slot] = enqueued;
        recordFailed[slot] = false;
        tail++;
        return slot;
    }

    /** Rings the doorbell for every copy enqueued since the last call (one per burst). */
    void submit() {
        if (submittedUpTo != enqueued) {
            channel.submit();
            submittedUpTo = enqueued;
        }
    }

    /**
     * Reaps the channel's completions, marking the records of failed ops, and counts them on the
     * queue's {@code counters}.
     *
     * @return ops reaped
     */
    int poll(QueueCounters counters) {
        if (reaped == enqueued) {
            return 0;
        }
        int n = channel.completed(REAP, info);
        reaped += n;
        int total = n;
        int failed = 0;
        if (info.hasError) {
            int k = channel.completedStatus(REAP, statuses, info);
            for (int i = 0; i < k; i++) {
                if (statuses[i] != DmaStatus.SUCCESS) {
                    markFailed(reaped + i);
                    failed++;
                }
            }
            reaped += k;
            total += k;
        }
        if (total > 0) {
            counters.dmaCompleted(total, failed);
        }
        return total;
    }

    private void markFailed(long op) {
        for (long r = head; r < tail; r++) {
            int slot = (int) (r & mask);
            if (recordEnd[slot] > op) {
                recordFailed[slot] = true;
                return;
            }
        }
    }

    /** Whether the oldest record exists and all its copies completed. */
    boolean headComplete() {
        return head < tail && recordEnd[(int) (head & mask)] <= reaped;
    }

    /** Whether any copy of the oldest (complete) record failed. */
    boolean headFailed() {
        return recordFailed[(int) (head & mask)];
    }

    /** The record slot of the oldest record. */
    int headSlot() {
        return (int) (head & mask);
    }

    /** Retires the oldest record. */
    void popHead() {
        head++;
    }

    /** Most records outstanding at once: the size of per-record arrays kept by the owner. */
    int recordCapacity() {
        return mask + 1;
    }

    /** Records not yet complete. */
    int recordsOutstanding() {
        return (int) (tail - head);
    }
}
