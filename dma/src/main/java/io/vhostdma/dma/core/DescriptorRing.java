package io.vhostdma.dma.core;

/**
 * The layer's record of one channel's outstanding ops (enqueued, not yet reaped), as struct-of-arrays:
 * what each op touches (for the control plane's busy scans before an unmap) and which domain pair it
 * moves bytes between (counted when it is reaped successfully), plus the ops the layer refused itself
 * (they take a ring index and complete in order with their status, never reaching the engine).
 *
 * <p>Sequence numbers are 64-bit counts of enqueued operations; the slot of op {@code seq} is
 * {@code seq & mask} and its public ring index is {@code seq & 0xFFFF} (the ring size divides 65536, so
 * both agree). Written by the channel's user thread only; the control plane reads {@link #enqueued}
 * and {@link #reaped} (both release stores, read with acquire) and the ranges in between.
 */
public final class DescriptorRing {
    /** Descriptor kind: copy. */
    public static final byte KIND_COPY = 0;
    /** Descriptor kind: scatter-gather copy. */
    public static final byte KIND_COPY_SG = 1;
    /** Descriptor kind: fill ({@code src} unused). */
    public static final byte KIND_FILL = 2;

    final int size;
    final int mask;
    final int maxSges;
    final byte[] kind;
    final long[] src;
    final long[] dst;
    final int[] len;
    final int[] srcDomain;
    final int[] dstDomain;
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

    /** Ops enqueued (refused ones included); writer: user thread, release. */
    public final PaddedCounter enqueued = new PaddedCounter();
    /** Ops reaped; writer: user thread, release. */
    public final PaddedCounter reaped = new PaddedCounter();

    /**
     * @param size    ring size, a power of two dividing 65536
     * @param maxSges most entries per side of a scatter-gather copy
     */
    public DescriptorRing(int size, int maxSges) {
        this.size = size;
        this.mask = size - 1;
        this.maxSges = maxSges;
        kind = new byte[size];
        src = new long[size];
        dst = new long[size];
        len = new int[size];
        srcDomain = new int[size];
        dstDomain = new int[size];
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

    /** Records a copy or fill handed to the engine (user thread, before publishing {@link #enqueued}). */
    public void put(long seq, byte k, long s, long d, int n, int srcHandle, int dstHandle) {
        int slot = (int) seq & mask;
        kind[slot] = k;
        src[slot] = s;
        dst[slot] = d;
        len[slot] = n;
        srcDomain[slot] = srcHandle;
        dstDomain[slot] = dstHandle;
    }

    /** Records a scatter-gather copy handed to the engine, with each entry's domain handle (user thread). */
    public void putSg(long seq, long[] srcs, int[] srcLens, int[] srcDomains, int nbSrc, long[] dsts, int[] dstLens,
                      int[] dstDomains, int nbDst) {
        int slot = (int) seq & mask;
        kind[slot] = KIND_COPY_SG;
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
     * Records an op the layer refused: it touches nothing (its slot records no range) and completes
     * with {@code status} when the ops before it did.
     */
    public void refuse(long seq, int status) {
        int slot = (int) seq & mask;
        kind[slot] = KIND_FILL;
        len[slot] = 0; // no range: busy scans skip it
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
     * Adds the bytes of reaped op {@code seq} (a success) to the running reap's accumulator, per
     * domain pair (a scatter-gather copy may span several pairs).
     *
     * @param seq the op
     * @param acc the accumulator
     */
    void countBytes(long seq, ByteAccumulator acc) {
        int slot = (int) seq & mask;
        if (kind[slot] != KIND_COPY_SG) {
            acc.add(srcDomain[slot], dstDomain[slot], len[slot]);
            return;
        }
        int base = slot * maxSges;
        int si = 0;
        int di = 0;
        long sUsed = 0;
        long dUsed = 0;
        while (si < sgSrcCount[slot] && di < sgDstCount[slot]) {
            long n = Math.min(sgSrcLen[base + si] - sUsed, sgDstLen[base + di] - dUsed);
            acc.add(sgSrcDomain[base + si], sgDstDomain[base + di], n);
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
        long hi = enqueued.getAcquire(); // pairs with the user thread's release after writing the record
        for (long seq = reaped.getAcquire(); seq < hi; seq++) {
            if (touches((int) seq & mask, start, length)) {
                return true;
            }
        }
        return false;
    }

    private boolean touches(int slot, long start, long length) {
        if (kind[slot] == KIND_COPY_SG) {
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
        boolean srcHit = kind[slot] == KIND_COPY && overlaps(src[slot], len[slot], start, length);
        return srcHit || overlaps(dst[slot], len[slot], start, length);
    }

    private static boolean overlaps(long a, long alen, long b, long blen) {
        return alen > 0 && a < b + blen && b < a + alen;
    }
}
