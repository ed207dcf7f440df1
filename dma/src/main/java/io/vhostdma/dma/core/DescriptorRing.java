package io.vhostdma.dma.core;

/**
 * The layer's record of one channel's outstanding ops (enqueued, not yet reaped), as struct-of-arrays:
 * each op's length and domain pair (to take its bytes back if it fails), what it touches (for the
 * control plane's busy scans before an unmap: recorded only for engines that execute after the enqueue
 * call returned), and the ops the layer refused itself (they take a ring index and complete in order
 * with their status, never reaching the engine).
 *
 * <p>Sequence numbers are 64-bit counts of enqueued operations; the slot of op {@code seq} is
 * {@code seq & mask} and its public ring index is {@code seq & 0xFFFF} (the ring size divides 65536, so
 * both agree). Written by the channel's user thread only; the control plane reads {@link #enqueued}
 * and {@link #reaped} and the ranges in between, after it waited for the channel's gate: the gate's
 * release at the end of a batch publishes the batch's records and {@code enqueued} (a plain store at
 * the end of each batch), and {@code reaped} is a release store of its own.
 */
public final class DescriptorRing {
    /** The length of a scatter-gather copy in {@link #meta} (its pieces are in the sg arrays). */
    private static final int LEN_SG = -1;

    final int size;
    final int mask;
    final int maxSges;
    final boolean ranges; // the engine executes after the enqueue call: in-flight ops need their ranges
    final long[] meta;    // length << 32 | srcHandle << 16 | dstHandle; length 0: refused, LEN_SG: sg copy
    final long[] src;     // ranges only: a fill records its destination here too (it reads nothing)
    final long[] dst;
    final int[] sgSrcCount;
    final int[] sgDstCount;
    final long[] sgSrc;
    final int[] sgSrcLen;
    final int[] sgSrcDomain;
    final long[] sgDst;
    final int[] sgDstLen;
    final int[] sgDstDomain;
    /** Ops the layer refused, oldest first: their sequence numbers and statuses (a ring of {@code size}). */
    private final long[] refusedSeq;
    private final int[] refusedStatus;
    private long refusedHead;
    private long refusedTail;

    /** Ops enqueued (refused ones included), as of the last batch; writer: user thread, plain (published by the gate's exit). */
    public final PaddedCounter enqueued = new PaddedCounter();
    /** Ops reaped; writer: user thread, release. */
    public final PaddedCounter reaped = new PaddedCounter();

    /**
     * @param size    ring size, a power of two dividing 65536
     * @param maxSges most entries per side of a scatter-gather copy
     * @param ranges  record what each op touches (the engine executes ops after the enqueue call)
     */
    public DescriptorRing(int size, int maxSges, boolean ranges) {
        this.size = size;
        this.mask = size - 1;
        this.maxSges = maxSges;
        this.ranges = ranges;
        meta = new long[size];
        src = new long[ranges ? size : 0];
        dst = new long[ranges ? size : 0];
        sgSrcCount = new int[size];
        sgDstCount = new int[size];
        sgSrc = new long[size * maxSges];
        sgSrcLen = new int[size * maxSges];
        sgSrcDomain = new int[size * maxSges];
        sgDst = new long[size * maxSges];
        sgDstLen = new int[size * maxSges];
        sgDstDomain = new int[size * maxSges];
        refusedSeq = new long[size];
        refusedStatus = new int[size];
    }

    /** @return the ring size */
    public int size() {
        return size;
    }

    /** @return most entries per side of a scatter-gather copy */
    public int maxSges() {
        return maxSges;
    }

    /**
     * Records a copy (or a fill: {@code s == d}, source host) handed to the engine (user thread, before
     * counting it in {@link #enqueued}).
     */
    public void put(long seq, long s, long d, int n, int pair) {
        int slot = (int) seq & mask;
        meta[slot] = (long) n << 32 | (pair & 0xFFFF_FFFFL);
        if (ranges) {
            src[slot] = s;
            dst[slot] = d;
        }
    }

    /** @return the pair value of {@link #put} for two 16-bit domain handles */
    public static int pair(int srcHandle, int dstHandle) {
        return srcHandle << 16 | dstHandle;
    }

    /** Records a scatter-gather copy handed to the engine, with each entry's domain handle (user thread). */
    public void putSg(long seq, long[] srcs, int[] srcLens, int[] srcDomains, int nbSrc, long[] dsts, int[] dstLens,
                      int[] dstDomains, int nbDst) {
        int slot = (int) seq & mask;
        meta[slot] = (long) LEN_SG << 32;
        sgSrcCount[slot] = nbSrc;
        sgDstCount[slot] = nbDst;
        int base = slot * maxSges;
        System.arraycopy(srcs, 0, sgSrc, base, nbSrc);
        System.arraycopy(srcLens, 0, sgSrcLen, base, nbSrc);
        System.arraycopy(srcDomains, 0, sgSrcDomain, base, nbSrc);
        System.arraycopy(dsts, 0, sgDst, base, nbDst);
        System.arraycopy(dstLens, 0, sgDstLen, base, nbDst);
        System.arraycopy(dstDomains, 0, sgDstDomain, base, nbDst);
    }

    /**
     * Records an op the layer refused: it touches nothing (length 0) and completes with {@code status}
     * when the ops before it did.
     */
    public void refuse(long seq, int status) {
        meta[(int) seq & mask] = 0;
        int r = (int) refusedTail & mask;
        refusedSeq[r] = seq;
        refusedStatus[r] = status;
        refusedTail++;
    }

    /** @return the sequence number of the oldest refused op not yet reaped, or {@link Long#MAX_VALUE} */
    public long nextRefused() {
        return refusedHead < refusedTail ? refusedSeq[(int) refusedHead & mask] : Long.MAX_VALUE;
    }

    /** Reaps the oldest refused op. @return its status */
    public int popRefused() {
        int status = refusedStatus[(int) refusedHead & mask];
        refusedHead++;
        return status;
    }

    /**
     * Adds the bytes of op {@code seq} (an engine op) to the counters with {@code sign} (-1: the op
     * failed, take back what was counted when it was handed over).
     */
    public void countBytes(long seq, int sign, ChannelCounters counters) {
        int slot = (int) seq & mask;
        long m = meta[slot];
        int n = (int) (m >> 32);
        if (n == LEN_SG) {
            countSg(slot, sign, counters);
        } else if (n > 0) {
            counters.addBytes((int) m >>> 16, (int) m & 0xFFFF, (long) sign * n);
        }
    }

    /** The pieces of a scatter-gather copy, each between the domains of its source and destination entry. */
    void countSg(int slot, int sign, ChannelCounters counters) {
        int base = slot * maxSges;
        int si = 0;
        int di = 0;
        long sUsed = 0;
        long dUsed = 0;
        while (si < sgSrcCount[slot] && di < sgDstCount[slot]) {
            long n = Math.min(sgSrcLen[base + si] - sUsed, sgDstLen[base + di] - dUsed);
            counters.addBytes(sgSrcDomain[base + si], sgDstDomain[base + di], sign * n);
            sUsed += n;
            dUsed += n;
            if (sUsed == sgSrcLen[base + si]) {
                si++;
                sUsed = 0;
            }
            if (dUsed == sgDstLen[base + di]) {
                di++;
                dUsed = 0;
            }
        }
    }

    /**
     * Busy scan (control plane): whether an op enqueued and not yet reaped touches
     * {@code [start, start + length)}. Ops are still read by the engine until the user thread reaps
     * them, so this is the conservative answer a device needs before an unmap.
     *
     * @param start  first IOVA
     * @param length length
     * @return whether an unfinished op touches the range
     */
    public boolean inFlightTouches(long start, long length) {
        if (!ranges) {
            return false; // every op ran inside its enqueue call: nothing touches memory any more
        }
        long hi = enqueued.getAcquire(); // the records below it were published by the gate (see the class doc)
        for (long seq = reaped.getAcquire(); seq < hi; seq++) {
            if (touches((int) seq & mask, start, length)) {
                return true;
            }
        }
        return false;
    }

    private boolean touches(int slot, long start, long length) {
        int n = (int) (meta[slot] >> 32);
        if (n == LEN_SG) {
            int base = slot * maxSges;
            for (int i = 0; i < sgSrcCount[slot]; i++) {
                if (overlaps(sgSrc[base + i], sgSrcLen[base + i], start, length)) {
                    return true;
                }
            }
            for (int i = 0; i < sgDstCount[slot]; i++) {
                if (overlaps(sgDst[base + i], sgDstLen[base + i], start, length)) {
                    return true;
                }
            }
            return false;
        }
        return overlaps(src[slot], n, start, length) || overlaps(dst[slot], n, start, length);
    }

    private static boolean overlaps(long a, long alen, long b, long blen) {
        return alen > 0 && a < b + blen && b < a + alen;
    }
}
