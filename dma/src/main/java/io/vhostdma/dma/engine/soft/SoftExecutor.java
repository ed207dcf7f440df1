package io.vhostdma.dma.engine.soft;

import static io.vhostdma.dma.DmaStatus.BUS_ERROR;
import static io.vhostdma.dma.DmaStatus.SUCCESS;

import io.vhostdma.dma.sg.GatherCursor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Moves the bytes of one software channel's ops through the segments the layer translated them to:
 * {@code MemorySegment.copy}, the fill loop, the scatter-gather walk ({@link GatherCursor}). A segment that throws (its arena
 * was closed under a registration), memory that faults (a guest shrank the file under a mapping: SIGBUS,
 * which HotSpot raises as an {@link InternalError} in the executing thread — sometimes a few instructions
 * after the access, so {@link #executeRange} catches it around each op as well and the executing thread
 * never dies of it) or an injected fault ends the op with {@code BUS_ERROR}. Used by one executing thread
 * at a time; allocation-free.
 */
final class SoftExecutor {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final SoftRing ring;
    private final FaultInjector faults;
    private final boolean faultsOn; // a final field: no load chain per op
    private static final java.lang.invoke.VarHandle EXECUTOR;
    private volatile Throwable lastFault; // diagnostics only; written on the (cold) failure path
    @SuppressWarnings("unused") // accessed through EXECUTOR (opaque: diagnostics read by other threads)
    private long executorThreadId;
    private final GatherCursor cursor = new GatherCursor(); // executing thread: scatter-gather walks
    private MemorySegment src; // executing thread: the current segments (see SoftRing)
    private MemorySegment dst;

    static {
        try {
            EXECUTOR = java.lang.invoke.MethodHandles.lookup().findVarHandle(SoftExecutor.class, "executorThreadId",
                long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    SoftExecutor(SoftRing ring, FaultInjector faults) {
        this.ring = ring;
        this.faults = faults;
        this.faultsOn = faults.enabled();
    }

    Throwable lastFault() {
        return lastFault;
    }

    /** @return the id of the thread that executed ops last, 0 before any (any thread) */
    long executorThreadId() {
        return (long) EXECUTOR.getOpaque(this);
    }

    /** Records the executing thread (once per batch). */
    void noteExecutor() {
        EXECUTOR.setOpaque(this, Thread.currentThread().threadId());
    }

    /**
     * Executes ops {@code [from, to)} in order, records their failures (a success stores nothing) and
     * publishes {@code done = to}. Runs of plain copies between the same two segments go through
     * {@link #copyRun}; every other op (and every op while faults are injected) through {@link #executeOne}.
     */
    void executeRange(long from, long to) {
        long seq = from;
        while (seq < to) {
            seq = !faultsOn && (ring.kind[(int) seq & ring.mask] & SoftRing.KIND_MASK) == SoftRing.KIND_COPY
                ? copyRun(seq, to)
                : executeOne(seq);
        }
        // release: statuses and moved bytes happen-before the user thread's acquire read of done
        ring.done.setRelease(to);
    }

    /** Executes op {@code seq} alone, recording its failure; returns the next op. */
    private long executeOne(long seq) {
        int status;
        try {
            status = execute(seq);
        } catch (InternalError e) {
            lastFault = e; // a memory fault that surfaced after the op's own catch
            status = BUS_ERROR;
        }
        if (status != SUCCESS) {
            ring.fail(seq, status);
        }
        return seq + 1;
    }

    /**
     * Executes the run of plain copies that starts at {@code from} (a copy) and continues while the next op is
     * a copy between the same two segments (its kind is exactly {@link SoftRing#KIND_COPY}: no new segment).
     * What the per-op path pays for every op is paid once per run here: the kind dispatch, the fault-injection
     * test, the load of the current segments and the exception region; inside the run the two segments and the
     * descriptor arrays are loop invariants (locals), so the JIT can hoist the segments' liveness checks out
     * of the loop and keep only each copy's bounds check. A copy that throws ends the run: it fails alone
     * ({@code BUS_ERROR}) and the next op starts a new run. Returns the first op not executed.
     */
    private long copyRun(long from, long to) {
        SoftRing r = ring;
        int mask = r.mask;
        byte[] kinds = r.kind;
        long[] srcOffs = r.srcOff;
        long[] dstOffs = r.dstOff;
        int[] lens = r.len;
        int first = (int) from & mask;
        if ((kinds[first] & SoftRing.NEW_SRC) != 0) {
            src = r.srcSeg[first];
        }
        if ((kinds[first] & SoftRing.NEW_DST) != 0) {
            dst = r.dstSeg[first];
        }
        MemorySegment s = src;
        MemorySegment d = dst;
        long seq = from;
        try {
            do {
                int slot = (int) seq & mask;
                MemorySegment.copy(s, srcOffs[slot], d, dstOffs[slot], lens[slot]);
                seq++;
            } while (seq < to && kinds[(int) seq & mask] == SoftRing.KIND_COPY);
            return seq;
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            r.fail(seq, BUS_ERROR);
            return seq + 1;
        }
    }

    /**
     * Executes one described op; returns its status (does not store it). Ops must be executed in
     * order, each once: the current segments carry over from op to op.
     */
    private int execute(long seq) {
        int slot = (int) seq & ring.mask;
        byte bits = ring.kind[slot];
        if ((bits & SoftRing.NEW_SRC) != 0) {
            src = ring.srcSeg[slot];
        }
        if ((bits & SoftRing.NEW_DST) != 0) {
            dst = ring.dstSeg[slot];
        }
        if (faultsOn && faults.shouldFail(seq)) {
            return BUS_ERROR;
        }
        int kind = bits & SoftRing.KIND_MASK;
        if (kind == SoftRing.KIND_COPY) {
            return copy(src, ring.srcOff[slot], dst, ring.dstOff[slot], ring.len[slot]);
        }
        if (kind == SoftRing.KIND_FILL) {
            return fill(ring.srcOff[slot], dst, ring.dstOff[slot], ring.len[slot]);
        }
        return copySg(slot);
    }

    private int copy(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int len) {
        try {
            MemorySegment.copy(src, srcOff, dst, dstOff, len);
            return SUCCESS;
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return BUS_ERROR;
        }
    }

    /** Writes the 8-byte pattern repeatedly (byte i of the fill = byte i mod 8 of the little-endian pattern). */
    private int fill(long pattern, MemorySegment seg, long off, int len) {
        try {
            int i = 0;
            for (; i + 8 <= len; i += 8) {
                seg.set(LONG_LE, off + i, pattern);
            }
            for (; i < len; i++) {
                seg.set(ValueLayout.JAVA_BYTE, off + i, (byte) (pattern >>> ((i & 7) * 8)));
            }
            return SUCCESS;
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return BUS_ERROR;
        }
    }

    /** Gathers the source entries into the destination entries in order (totals are equal). */
    private int copySg(int slot) {
        try {
            cursor.copy(ring.sgSrc[slot], 0, ring.sgDst[slot], 0, ring.sgSrc[slot].totalBytes());
            return SUCCESS;
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return BUS_ERROR;
        }
    }
}
