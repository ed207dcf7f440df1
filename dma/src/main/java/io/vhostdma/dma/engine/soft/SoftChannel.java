package io.vhostdma.dma.engine.soft;

import io.vhostdma.dma.CompletionInfo;
import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaStatus;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.SgList;
import java.lang.foreign.MemorySegment;

/**
 * A software engine's channel. Every enqueue call only describes its op in a {@link SoftRing}; the
 * {@code cpu} engine ({@code deferred}) executes the submitted ops as one batch inside {@code submit()}, on
 * the caller's thread, and reports them at the first poll after it; the {@code sw} engine's thread executes
 * them through {@link #executeRange}. Completion follows the ring's counters: {@code done} (acquire)
 * bounds what may be reaped; statuses are read only when the failure count moved.
 */
public final class SoftChannel implements EngineChannel {
    private final SoftRing ring;
    private final SoftExecutor executor;
    private final boolean atSubmit;
    private final Runnable doorbell;
    private final int size;
    private long tail;           // user thread: ops taken
    private long head;           // user thread: ops reaped
    private long submittedLocal; // user thread: ops submitted
    private long failuresReaped; // user thread: failed ops reaped (see SoftRing#failures)

    /**
     * @param ringSize the channel's ring size
     * @param maxSges  most entries per side of a scatter-gather copy
     * @param options  the device's options (fault injection)
     * @param atSubmit execute the submitted ops inside {@code submit()} on the caller's thread (the {@code cpu}
     *                 engine)
     * @param doorbell run after a submit published new ops (the {@code sw} engine's wake-up), or null
     */
    public SoftChannel(int ringSize, int maxSges, EngineOptions options, boolean atSubmit, Runnable doorbell) {
        this.size = ringSize;
        this.ring = new SoftRing(ringSize, maxSges);
        this.executor = new SoftExecutor(ring, new FaultInjector(options));
        this.atSubmit = atSubmit;
        this.doorbell = doorbell;
    }

    @Override
    public int copy(MemorySegment src, long srcOffset, long srcIova, MemorySegment dst, long dstOffset, long dstIova,
                    int len, long flags) {
        if (tail - head >= size) {
            return -DmaErrno.ENOSPC;
        }
        long seq = tail;
        ring.put(seq, SoftRing.KIND_COPY, src, srcOffset, dst, dstOffset, len);
        return taken(seq);
    }

    @Override
    public int copySg(SgList src, SgList dst, long flags) {
        if (tail - head >= size) {
            return -DmaErrno.ENOSPC;
        }
        long seq = tail;
        ring.putSg(seq, src, dst);
        return taken(seq);
    }

    @Override
    public int fill(long pattern, MemorySegment dst, long dstOffset, long dstIova, int len, long flags) {
        if (tail - head >= size) {
            return -DmaErrno.ENOSPC;
        }
        long seq = tail;
        ring.put(seq, SoftRing.KIND_FILL, null, pattern, dst, dstOffset, len);
        return taken(seq);
    }

    /** A described op was taken (it executes after the next {@code submit()}). */
    private int taken(long seq) {
        tail = seq + 1;
        return (int) seq & 0xFFFF;
    }

    @Override
    public int submit() {
        long t = tail;
        if (t == submittedLocal) {
            return 0;
        }
        long from = submittedLocal;
        submittedLocal = t;
        if (atSubmit) {
            ring.submitted.setRelease(t);
            executor.noteExecutor();
            executor.executeRange(from, t); // ends with the release store of done (statuses, bytes before it)
            return 0;
        }
        ring.submitted.setRelease(t); // release: descriptors before the engine's acquire read
        doorbell.run();
        return 0;
    }

    /**
     * Executes ops {@code [from, to)} (the engine thread, after an acquire read of {@link #submitted()}).
     */
    public void executeRange(long from, long to) {
        executor.noteExecutor();
        executor.executeRange(from, to);
    }

    /** @return ops submitted (acquire: the descriptors below are visible) */
    public long submitted() {
        return ring.submitted.getAcquire();
    }

    /** @return ops executed (acquire) */
    public long done() {
        return ring.done.getAcquire();
    }

    /** @return ops submitted (volatile read, for the engine's park re-check) */
    public long submittedVolatile() {
        return ring.submitted.getVolatile();
    }

    @Override
    public int completed(int max, CompletionInfo out) {
        long avail = available(max);
        int n = (int) avail;
        if (!failureFree()) { // some executed op failed and was not reaped: find the first one
            n = 0;
            while (n < avail && ring.status[(int) (head + n) & ring.mask] == DmaStatus.SUCCESS) {
                n++;
            }
        }
        head += n;
        out.hasError = n < avail;
        return n;
    }

    @Override
    public int completedStatus(int max, int[] statuses, int offset) {
        int n = (int) available(max);
        boolean clean = failureFree();
        int errors = 0;
        for (int i = 0; i < n; i++) {
            int slot = (int) (head + i) & ring.mask;
            int s = clean ? DmaStatus.SUCCESS : ring.status[slot];
            statuses[offset + i] = s;
            if (s != DmaStatus.SUCCESS) {
                errors++;
                ring.status[slot] = DmaStatus.SUCCESS; // clean again before the slot is reused
            }
        }
        head += n;
        failuresReaped += errors;
        return n;
    }

    /**
     * Whether every executed op that is not reaped yet succeeded: then their status slots need not be
     * read. Read after {@link #available}'s acquire of {@code done}, so it counts at least the failures
     * of the ops below {@code done}; a count that already includes later ops only means a scan.
     */
    private boolean failureFree() {
        return ring.failures.getOpaque() == failuresReaped;
    }

    private long available(int max) {
        // acquire: pairs with the executing side's release of done, making statuses and bytes visible
        long limit = Math.min(ring.done.getAcquire(), submittedLocal);
        return Math.max(0, Math.min(limit - head, max));
    }

    @Override
    public int burstCapacity() {
        return (int) (size - (tail - head));
    }

    @Override
    public long lastExecutorThreadId() {
        return executor.executorThreadId();
    }

    @Override
    public String describe() {
        Throwable fault = executor.lastFault();
        return " taken=" + tail + " done=" + ring.done.getOpaque() + (fault == null ? "" : " lastFault=" + fault);
    }
}
