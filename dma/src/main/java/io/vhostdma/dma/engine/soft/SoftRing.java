package io.vhostdma.dma.engine.soft;

import io.vhostdma.dma.core.PaddedCounter;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.dma.spi.SgList;
import java.lang.foreign.MemorySegment;

/**
 * The descriptor ring of one software-engine channel, as struct-of-arrays: ops already translated by
 * the layer (segments and offsets), plus the counters shared between the channel's user thread and the
 * executing side.
 *
 * <p>Sequence numbers are 64-bit counts of the ops this engine took; the slot of op {@code seq} is
 * {@code seq & mask}. Counters and their single writers:
 * <ul>
 * <li>{@link #submitted}: user thread at the doorbell, release; the executing thread reads it with
 *     acquire, so the descriptors below it are visible to it.</li>
 * <li>{@link #done}: executing side, release after writing statuses and moving bytes; the user thread
 *     reads it with acquire before reading statuses (and before the caller reads the bytes).</li>
 * <li>{@link #failures}: executing side, opaque, before the release of {@link #done}.</li>
 * </ul>
 * Segments are stored only when they change from the previous op's ({@link #NEW_SRC}/{@link #NEW_DST}
 * in the kind): the executing thread walks the ops in order and keeps the current ones, so a run of ops
 * between the same two segments stores no reference (no GC write barrier per op).
 *
 * <p>Status slots are written only for failures: a slot holds {@code SUCCESS} unless it holds a failed op
 * that is not reaped yet; the user thread writes {@code SUCCESS} back when it reaps a failed op (before
 * the slot can be reused: reuse needs a later op, published by the release of {@code submitted}). So
 * while {@code failures} equals the failures reaped, reaping needs no status read.
 */
final class SoftRing {
    static final byte KIND_COPY = 0;
    static final byte KIND_COPY_SG = 1;
    static final byte KIND_FILL = 2;
    /** Kind bits: the slot holds a new source / destination segment. */
    static final byte NEW_SRC = 4;
    static final byte NEW_DST = 8;
    static final byte KIND_MASK = 3;

    final int size;
    final int mask;
    final int maxSges;
    final byte[] kind;
    final MemorySegment[] srcSeg; // only where the kind says NEW_SRC
    final long[] srcOff; // the pattern of a fill
    final MemorySegment[] dstSeg; // only where the kind says NEW_DST
    private MemorySegment lastSrc; // user thread: the segments of the last op put
    private MemorySegment lastDst;
    final long[] dstOff;
    final int[] len;
    final int[] status;
    /** The two sides of the scatter-gather op in each slot (only where the kind is {@link #KIND_COPY_SG}). */
    final GatherList[] sgSrc;
    final GatherList[] sgDst;

    /** Submitted count (doorbell); writer: user thread. */
    final PaddedCounter submitted = new PaddedCounter();
    /** Executed count; writer: executing side. */
    final PaddedCounter done = new PaddedCounter();
    /** Failed ops executed (ever); writer: executing side. */
    final PaddedCounter failures = new PaddedCounter();

    SoftRing(int size, int maxSges) {
        this.size = size;
        this.mask = size - 1;
        this.maxSges = maxSges;
        kind = new byte[size];
        srcSeg = new MemorySegment[size];
        srcOff = new long[size];
        dstSeg = new MemorySegment[size];
        dstOff = new long[size];
        len = new int[size];
        status = new int[size];
        sgSrc = new GatherList[size];
        sgDst = new GatherList[size];
        for (int i = 0; i < size; i++) {
            sgSrc[i] = new GatherList(maxSges);
            sgDst[i] = new GatherList(maxSges);
        }
    }

    void put(long seq, byte k, MemorySegment s, long sOff, MemorySegment d, long dOff, int n) {
        int slot = (int) seq & mask;
        byte bits = k;
        if (s != lastSrc && s != null) { // a fill has no source
            srcSeg[slot] = s;
            lastSrc = s;
            bits |= NEW_SRC;
        }
        if (d != lastDst) {
            dstSeg[slot] = d;
            lastDst = d;
            bits |= NEW_DST;
        }
        kind[slot] = bits;
        srcOff[slot] = sOff;
        dstOff[slot] = dOff;
        len[slot] = n;
    }

    void putSg(long seq, SgList src, SgList dst) {
        int slot = (int) seq & mask;
        kind[slot] = KIND_COPY_SG;
        copyInto(src.pieces, sgSrc, slot);
        copyInto(dst.pieces, sgDst, slot);
    }

    private void copyInto(GatherList from, GatherList[] lists, int slot) {
        GatherList to = lists[slot];
        to.clear();
        for (int i = 0; i < from.count(); i++) {
            to.add(from.segment(i), from.offset(i), from.length(i));
        }
    }

    /**
     * Records a failed op: stores its status and counts it (executing side, before publishing
     * {@link #done}; single writer, so the opaque read-modify-write is exact).
     */
    void fail(long seq, int st) {
        status[(int) seq & mask] = st;
        failures.setOpaque(failures.getOpaque() + 1);
    }
}
