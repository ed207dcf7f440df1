package io.vhostdma.dma;

import io.vhostdma.dma.core.ChannelCounters;
import io.vhostdma.dma.core.DescriptorRing;
import io.vhostdma.dma.core.DeviceTables;
import io.vhostdma.dma.core.EngineChannel;
import io.vhostdma.dma.core.ExecutionGate;
import io.vhostdma.dma.core.FaultInjector;
import io.vhostdma.dma.core.OpExecutor;
import io.vhostdma.dma.spi.DmaEngine;

/**
 * One virtual channel: the fast path. See the package documentation for the ring-index contract.
 *
 * <p>Threading: like a dmadev virtual channel, one channel is driven by one thread at a time (enqueue,
 * submit and completion calls); different channels may be driven by different threads. Nothing here
 * allocates, blocks or throws; failures are negative {@link DmaErrno} codes or per-op {@link DmaStatus}.
 */
public final class DmaChannel {
    private static final int INDEX_MASK = 0xFFFF;
    private final DmaDevice device;
    private final int id;
    private final DescriptorRing ring;
    private final OpExecutor executor;
    private final ExecutionGate gate;
    private final ChannelCounters counters;
    private final DmaEngine engine;
    private final boolean inline;
    private final int size;
    private final boolean sgSupported;
    private final boolean fillSupported;
    private volatile boolean active; // written by the device's control thread at start/stop
    private long tail;               // user thread: ops enqueued
    private long head;               // user thread: ops reaped
    private long limit;              // user thread: head + ring size (the first seq with no free slot)
    private long submittedLocal;     // user thread: ops submitted
    private long failuresReaped;     // user thread: failed ops reaped (see DescriptorRing#failures)
    private boolean inBatch;         // inline engines, user thread: inside the gate (mirrors it, no load)

    DmaChannel(DmaDevice device, int id, int ringSize, DmaEngine engine, DeviceTables tables,
               EngineOptions options) {
        this.device = device;
        this.id = id;
        this.size = ringSize;
        this.limit = ringSize;
        this.engine = engine;
        this.inline = engine.executesOnEnqueue();
        this.ring = new DescriptorRing(ringSize, DmaDevice.MAX_SGES);
        this.counters = new ChannelCounters();
        this.gate = new ExecutionGate();
        this.executor = new OpExecutor(ring, tables, counters, new FaultInjector(options));
        long capa = engine.capabilities();
        this.sgSupported = (capa & DmaCapability.OPS_COPY_SG) != 0;
        this.fillSupported = (capa & DmaCapability.OPS_FILL) != 0;
    }

    EngineChannel engineView() {
        return new EngineChannel(id, ring, executor, gate, counters);
    }

    void activate(boolean on) {
        active = on;
    }

    /** @return the channel number */
    public int id() {
        return id;
    }

    /** @return the owning device */
    public DmaDevice device() {
        return device;
    }

    /** @return the ring size (= capacity) */
    public int ringSize() {
        return size;
    }

    /**
     * Enqueues a copy of {@code len} bytes from {@code srcIova} to {@code dstIova}.
     *
     * @param srcIova source IOVA
     * @param dstIova destination IOVA
     * @param len     bytes, at least 1
     * @param flags   {@link OpFlags}
     * @return the op's ring index 0..65535, or {@code -ENOSPC}, {@code -EINVAL}, {@code -ENODEV}
     */
    public int copy(long srcIova, long dstIova, int len, long flags) {
        int refusal = admit(len);
        if (refusal != 0) {
            return refusal;
        }
        long seq = tail;
        if (inline) { // executes now: no descriptor needed
            enterGate();
            int status = executor.copyNow(seq, srcIova, dstIova, len, flags);
            if (status != DmaStatus.SUCCESS) {
                ring.fail(seq, status); // successes store nothing: slots are SUCCESS unless failed
            }
            return executed(seq, flags);
        }
        ring.put(seq, DescriptorRing.KIND_COPY, srcIova, dstIova, len, flags);
        return enqueued(seq, flags);
    }

    /**
     * Enqueues a fill of {@code len} bytes at {@code dstIova} with the repeated little-endian 8-byte
     * {@code pattern}.
     *
     * @param pattern the pattern
     * @param dstIova destination IOVA
     * @param len     bytes, at least 1
     * @param flags   {@link OpFlags}
     * @return the op's ring index, or a negative code ({@code -ENOTSUP} without the fill capability)
     */
    public int fill(long pattern, long dstIova, int len, long flags) {
        if (!fillSupported) {
            return -DmaErrno.ENOTSUP;
        }
        int refusal = admit(len);
        if (refusal != 0) {
            return refusal;
        }
        long seq = tail;
        ring.put(seq, DescriptorRing.KIND_FILL, pattern, dstIova, len, flags);
        return enqueued(seq, flags);
    }

    /**
     * Enqueues a scatter-gather copy: the source entries, concatenated, are copied into the destination
     * entries, concatenated. The arrays are read during the call only.
     *
     * @param srcIovas source IOVAs
     * @param srcLens  source lengths (each at least 1)
     * @param nbSrc    source entries used, 1..{@link DmaInfo#maxSges()}
     * @param dstIovas destination IOVAs
     * @param dstLens  destination lengths (each at least 1)
     * @param nbDst    destination entries used, 1..{@link DmaInfo#maxSges()}
     * @param flags    {@link OpFlags}
     * @return the op's ring index, or a negative code ({@code -EINVAL} when the totals differ)
     */
    public int copySg(long[] srcIovas, int[] srcLens, int nbSrc, long[] dstIovas, int[] dstLens, int nbDst,
                      long flags) {
        if (!sgSupported) {
            return -DmaErrno.ENOTSUP;
        }
        long total = sgTotal(srcIovas, srcLens, nbSrc);
        if (total <= 0 || total != sgTotal(dstIovas, dstLens, nbDst)) {
            return -DmaErrno.EINVAL;
        }
        int refusal = admit(1);
        if (refusal != 0) {
            return refusal;
        }
        long seq = tail;
        ring.putSg(seq, srcIovas, srcLens, nbSrc, dstIovas, dstLens, nbDst, flags);
        return enqueued(seq, flags);
    }

    private long sgTotal(long[] iovas, int[] lens, int n) {
        if (n < 1 || n > ring.maxSges() || iovas.length < n || lens.length < n) {
            return -1;
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (lens[i] <= 0) {
                return -1;
            }
            total += lens[i];
        }
        return total;
    }

    private int admit(int len) {
        if (!active) {
            return -DmaErrno.ENODEV;
        }
        if (len <= 0) {
            return -DmaErrno.EINVAL;
        }
        if (tail >= limit) {
            return -DmaErrno.ENOSPC;
        }
        return 0;
    }

    private int enqueued(long seq, long flags) {
        if (inline) {
            enterGate();
            int status = executor.execute(seq);
            if (status != DmaStatus.SUCCESS) {
                ring.fail(seq, status);
            }
            return executed(seq, flags);
        }
        tail = seq + 1;
        ring.enqueued.setRelease(seq + 1); // release: descriptor before the busy scan's acquire
        if ((flags & OpFlags.SUBMIT) != 0) {
            submit();
        }
        return (int) seq & INDEX_MASK;
    }

    /** Inline engines: the op already ran; done/enqueued are published at the next submit. */
    private int executed(long seq, long flags) {
        tail = seq + 1;
        if ((flags & OpFlags.SUBMIT) != 0) {
            submit();
        }
        return (int) seq & INDEX_MASK;
    }

    /** Inline engines only: the gate belongs to the executing thread, which is this one only then. */
    private void leaveGate() {
        if (inBatch) {
            inBatch = false;
            executor.flushBytes(); // byte counters exact once submit/completion calls return
            gate.exit();
        }
    }

    private void enterGate() {
        if (!inBatch) { // left at the next submit/completion poll: one fence per burst, not per op
            openBatch();
        }
    }

    private void openBatch() {
        inBatch = true;
        gate.enter();
        executor.beginBatch();
        counters.noteExecutor(Thread.currentThread().threadId());
    }

    /**
     * Rings the doorbell: every op enqueued so far becomes visible to the engine.
     *
     * @return 0, or {@code -ENODEV} when the device is not started
     */
    public int submit() {
        leaveGate();
        if (!active) {
            return -DmaErrno.ENODEV;
        }
        long t = tail;
        if (inline) {
            ring.done.setRelease(t);     // release: statuses before done (read by the busy scan)
            ring.enqueued.setRelease(t);
        }
        if (t != submittedLocal) {
            counters.addSubmitted(t - submittedLocal);
            submittedLocal = t;
            ring.submitted.setRelease(t); // release: descriptors before the engine's acquire read
            engine.doorbell(id);
        }
        return 0;
    }

    /**
     * Reaps successfully completed ops in order, stopping before the first failed one.
     *
     * @param max most ops to reap
     * @param out receives the last reaped index and whether a failed op is next in line (it stays
     *            there until {@link #completedStatus} reaps it)
     * @return the number of ops reaped
     */
    public int completed(int max, CompletionInfo out) {
        leaveGate();
        long avail = available(max);
        int n = (int) avail;
        if (!failureFree()) { // some executed op failed and was not reaped: find the first one
            n = 0;
            while (n < avail && ring.status(head + n) == DmaStatus.SUCCESS) {
                n++;
            }
        }
        head += n;
        limit = head + size;
        counters.addCompleted(n);
        out.lastIndex = (int) (head - 1) & INDEX_MASK;
        out.hasError = n < avail;
        return n;
    }

    /**
     * Reaps completed ops in order whatever their status, so the channel carries on after a failure.
     *
     * @param max      most ops to reap (at most {@code statuses.length})
     * @param statuses receives one {@link DmaStatus} per reaped op
     * @param out      receives the last reaped index and whether any reaped op failed
     * @return the number of ops reaped
     */
    public int completedStatus(int max, int[] statuses, CompletionInfo out) {
        leaveGate();
        int n = (int) available(Math.min(max, statuses.length));
        boolean clean = failureFree();
        int errors = 0;
        for (int i = 0; i < n; i++) {
            int s = clean ? DmaStatus.SUCCESS : ring.status(head + i);
            statuses[i] = s;
            if (s != DmaStatus.SUCCESS) {
                errors++;
                ring.statusSet(head + i, DmaStatus.SUCCESS); // clean again before the slot is reused
            }
        }
        head += n;
        limit = head + size;
        failuresReaped += errors;
        counters.addCompleted(n);
        counters.addErrors(errors);
        out.lastIndex = (int) (head - 1) & INDEX_MASK;
        out.hasError = errors > 0;
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
        // acquire: pairs with the executing side's release of done, making statuses visible
        long limit = Math.min(ring.done.getAcquire(), submittedLocal);
        return Math.max(0, Math.min(limit - head, max));
    }

    /** @return how many more ops may be enqueued now (ring size minus outstanding ops) */
    public int burstCapacity() {
        return (int) (size - (tail - head));
    }

    /** @return this channel's statistics */
    public DmaStats stats() {
        return DmaStats.of(counters);
    }

    /** @return id of the thread that last executed this channel's ops (diagnostics), 0 before any */
    public long lastExecutorThreadId() {
        return counters.executorThreadId();
    }

    String describe() {
        Throwable fault = executor.lastFault();
        return "channel " + id + ": ring=" + size + " enqueued=" + ring.enqueued.getOpaque() + " submitted="
            + ring.submitted.getOpaque() + " done=" + ring.done.getOpaque() + " active=" + active
            + (fault == null ? "" : " lastFault=" + fault);
    }
}
