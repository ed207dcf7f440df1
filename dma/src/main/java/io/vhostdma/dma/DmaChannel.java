package io.vhostdma.dma;

import io.vhostdma.dma.core.ChannelCounters;
import io.vhostdma.dma.core.DescriptorRing;
import io.vhostdma.dma.core.DeviceTables;
import io.vhostdma.dma.core.ExecutionGate;
import io.vhostdma.dma.core.OpGuard;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.SgList;

/**
 * One virtual channel: the fast path. See the package documentation for the ring-index contract.
 *
 * <p>Every op is checked here first ({@link OpGuard}: translation through the device's table of mapped
 * memory, revocation, access groups). An op that passes is handed, translated, to the engine's
 * {@link EngineChannel}; one that fails takes its ring index all the same, never reaches the engine and
 * completes in order with its status. Completions come from the engine's own completion path, merged
 * in index order with the refused ops. Bytes are counted per domain pair when an op is handed to the
 * engine (summed in plain fields while the pair stays the same, added to the counters at the next
 * submit or poll) and taken back when it is reaped as failed.
 *
 * <p>Threading: like a dmadev virtual channel, one channel is driven by one thread at a time (enqueue,
 * submit and completion calls); different channels may be driven by different threads. Nothing here
 * allocates, blocks or throws; failures are negative {@link DmaErrno} codes or per-op {@link DmaStatus}.
 */
public final class DmaChannel {
    private static final int INDEX_MASK = 0xFFFF;
    /** The op flags an engine sees (fence and cache hint, DPDK's bits): the channel handles SUBMIT. */
    private static final long ENGINE_FLAGS = OpFlags.FENCE | OpFlags.LLC;
    private final DmaDevice device;
    private final int id;
    private final EngineChannel engine;
    private final DmaEngine engineDevice;
    private final DescriptorRing ring;
    private final OpGuard guard;
    private final ExecutionGate gate;
    private final ChannelCounters counters;
    private final CompletionInfo engineInfo = new CompletionInfo();
    private final SgList sgSrc;
    private final SgList sgDst;
    private final int[] sgSrcDomains;
    private final int[] sgDstDomains;
    private final int size;
    private final boolean sgSupported;
    private final boolean fillSupported;
    private final boolean executesAtSubmit; // not ASYNC: the engine executes the submitted ops inside submit()
    private volatile boolean active; // written by the device's control thread at start/stop
    private long tail;               // user thread: ops enqueued
    private long head;               // user thread: ops reaped
    private long limit;              // user thread: head + ring size (the first seq with no free slot)
    private long submittedLocal;     // user thread: ops submitted
    private boolean inBatch;         // user thread: inside the gate (mirrors it, no load)
    private int pendingPair;         // user thread: bytes handed over for this domain pair, not yet counted
    private long pendingBytes;

    DmaChannel(DmaDevice device, int id, int ringSize, EngineChannel engine, DmaEngine engineDevice,
               DeviceTables tables, int maxSges, long capabilities) {
        this.device = device;
        this.id = id;
        this.size = ringSize;
        this.limit = ringSize;
        this.engine = engine;
        this.engineDevice = engineDevice;
        this.ring = new DescriptorRing(ringSize, Math.max(1, maxSges), (capabilities & DmaCapability.ASYNC) != 0);
        this.counters = new ChannelCounters();
        this.gate = new ExecutionGate();
        this.guard = new OpGuard(tables);
        this.sgSrc = new SgList(ring.maxSges());
        this.sgDst = new SgList(ring.maxSges());
        this.sgSrcDomains = new int[ring.maxSges()];
        this.sgDstDomains = new int[ring.maxSges()];
        this.sgSupported = maxSges > 0 && (capabilities & DmaCapability.OPS_COPY_SG) != 0;
        this.fillSupported = (capabilities & DmaCapability.OPS_FILL) != 0;
        this.executesAtSubmit = (capabilities & DmaCapability.ASYNC) == 0;
    }

    DescriptorRing ring() {
        return ring;
    }

    ExecutionGate gate() {
        return gate;
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
        enterGate();
        long seq = tail;
        int status = guard.checkCopy(srcIova, dstIova, len, flags);
        if (status != DmaStatus.SUCCESS) {
            ring.refuse(seq, status);
            return enqueued(seq, flags);
        }
        int r = engine.copy(guard.srcSegment(), guard.srcOffset(srcIova), srcIova, guard.dstSegment(),
            guard.dstOffset(dstIova), dstIova, len, flags & ENGINE_FLAGS);
        if (r < 0) {
            return r; // the engine's ring is full: the op takes no index
        }
        int pair = DescriptorRing.pair(guard.srcDomain(), guard.dstDomain());
        ring.put(seq, srcIova, dstIova, len, pair);
        handedOver(pair, len);
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
        enterGate();
        long seq = tail;
        int status = guard.checkFill(dstIova, len, flags);
        if (status != DmaStatus.SUCCESS) {
            ring.refuse(seq, status);
            return enqueued(seq, flags);
        }
        int r = engine.fill(pattern, guard.dstSegment(), guard.dstOffset(dstIova), dstIova, len, flags & ENGINE_FLAGS);
        if (r < 0) {
            return r;
        }
        int pair = DescriptorRing.pair(0, guard.dstDomain()); // a fill reads nothing: it counts as host
        ring.put(seq, dstIova, dstIova, len, pair);
        handedOver(pair, len);
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
        enterGate();
        long seq = tail;
        int status = guard.checkSg(srcIovas, srcLens, nbSrc, dstIovas, dstLens, nbDst, flags, sgSrc, sgDst,
            sgSrcDomains, sgDstDomains);
        if (status != DmaStatus.SUCCESS) {
            ring.refuse(seq, status);
            return enqueued(seq, flags);
        }
        int r = engine.copySg(sgSrc, sgDst, flags & ENGINE_FLAGS);
        if (r < 0) {
            return r;
        }
        ring.putSg(seq, srcIovas, srcLens, sgSrcDomains, nbSrc, dstIovas, dstLens, sgDstDomains, nbDst);
        ring.countBytes(seq, 1, counters); // its pieces may join several pairs: counted at once
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

    /** Sums the bytes of an op handed to the engine while consecutive ops share a domain pair. */
    private void handedOver(int pair, int len) {
        if (pair != pendingPair) {
            flushBytes();
            pendingPair = pair;
        }
        pendingBytes += len;
    }

    private void flushBytes() {
        if (pendingBytes != 0) {
            counters.addBytes(pendingPair >>> 16, pendingPair & 0xFFFF, pendingBytes);
            pendingBytes = 0;
        }
    }

    private int enqueued(long seq, long flags) {
        tail = seq + 1;
        if ((flags & OpFlags.SUBMIT) != 0) {
            submit();
        }
        return (int) seq & INDEX_MASK;
    }

    /**
     * Enters the gate before the first check of a batch (left at the next submit or completion poll:
     * one fence per burst, not per op) and reads the device's tables for the batch.
     */
    private void enterGate() {
        if (!inBatch) {
            inBatch = true;
            gate.enter();
            guard.beginBatch();
        }
    }

    private void leaveGate() {
        if (inBatch) {
            inBatch = false;
            flushBytes(); // the counters are exact for every op handed over once submit/poll returned
            // the batch's ops for the busy scan: a plain store, published by the gate's release below to a
            // control thread that waited for the gate (ops of a later batch were checked against the table
            // that thread published, so they cannot touch what it unmaps)
            ring.enqueued.setPlain(tail);
            gate.exit();
        }
    }

    /**
     * Rings the doorbell: every op enqueued so far becomes visible to the engine.
     *
     * @return 0, or {@code -ENODEV} when the device is not started
     */
    public int submit() {
        if (!active) {
            leaveGate();
            return -DmaErrno.ENODEV;
        }
        long t = tail;
        if (t != submittedLocal) {
            counters.addSubmitted(t - submittedLocal);
            submittedLocal = t;
            engine.submit();
        }
        leaveGate(); // after the engine's submit: an engine that executes there (cpu) does so inside the gate
        return 0;
    }

    /**
     * A completion poll ends the gate's batch, except while an engine that executes at submit (not
     * {@link DmaCapability#ASYNC}: its in-flight ops have no recorded ranges) holds checked ops not submitted
     * yet: they run at the next submit, checked against the tables of this batch, so the batch lasts until then.
     */
    private void leaveGateAtPoll() {
        if (!executesAtSubmit || tail == submittedLocal) {
            leaveGate();
        }
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
        leaveGateAtPoll();
        long upTo = Math.min(submittedLocal, head + Math.max(0, max));
        long refused = ring.nextRefused();
        long engineEnd = Math.min(upTo, refused);
        int n = 0;
        boolean engineError = false;
        if (engineEnd > head) {
            engineInfo.hasError = false;
            n = engine.completed((int) (engineEnd - head), engineInfo);
            engineError = engineInfo.hasError;
        }
        reaped(n);
        out.lastIndex = (int) (head - 1) & INDEX_MASK;
        out.hasError = engineError || (head == refused && refused < submittedLocal);
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
        leaveGateAtPoll();
        long start = head;
        long upTo = Math.min(submittedLocal, head + Math.max(0, Math.min(max, statuses.length)));
        int n = 0;
        long at = head;
        while (at < upTo) {
            long refused = ring.nextRefused();
            if (at == refused) {
                statuses[n++] = ring.popRefused();
                at++;
                continue;
            }
            int want = (int) (Math.min(upTo, refused) - at);
            int k = engine.completedStatus(want, statuses, n);
            n += k;
            at += k;
            if (k < want) {
                break; // the engine has not finished more
            }
        }
        int errors = 0;
        for (int i = 0; i < n; i++) {
            if (statuses[i] != DmaStatus.SUCCESS) {
                errors++;
                ring.countBytes(start + i, -1, counters); // its bytes did not land (a refused op has none)
            }
        }
        reaped(n);
        counters.addErrors(errors);
        out.lastIndex = (int) (head - 1) & INDEX_MASK;
        out.hasError = errors > 0;
        return n;
    }

    private void reaped(int n) {
        if (n > 0) {
            head += n;
            limit = head + size;
            ring.reaped.setRelease(head); // release: the busy scan sees these ops as finished
            counters.addCompleted(n);
        }
    }

    /** @return how many more ops may be enqueued now (ring size minus outstanding ops, within the engine's room) */
    public int burstCapacity() {
        return Math.min((int) (size - (tail - head)), engine.burstCapacity());
    }

    /** @return this channel's statistics, with the engine's own counters */
    public DmaStats stats() {
        return DmaStats.of(counters, engineDevice.counters(id));
    }

    /** @return id of the Java thread that last executed this channel's ops (diagnostics), 0 before any */
    public long lastExecutorThreadId() {
        return engine.lastExecutorThreadId();
    }

    String describe() {
        return "channel " + id + ": ring=" + size + " enqueued=" + ring.enqueued.getOpaque() + " reaped="
            + ring.reaped.getOpaque() + " submitted=" + counters.submitted() + " active=" + active
            + engine.describe();
    }
}
