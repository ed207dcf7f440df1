package io.vhostdma.dma.core;

/**
 * The descriptor ring of one channel, as struct-of-arrays, plus the counters shared between the
 * channel's user thread and the executing side.
 *
 * <p>Sequence numbers are 64-bit counts of enqueued operations; the slot of op {@code seq} is
 * {@code seq & mask} and its public ring index is {@code seq & 0xFFFF} (the ring size divides 65536, so
 * both agree). Counters and their single writers:
 * <ul>
 * <li>{@link #enqueued}: user thread, release after writing the descriptor; read by the busy scan.</li>
 * <li>{@link #submitted}: user thread at the doorbell, release; the engine reads it with acquire, so
 *     the descriptors below it are visible to the engine.</li>
 * <li>{@link #done}: executing side, release after writing statuses; the user thread reads it with
 *     acquire before reading statuses.</li>
 * <li>{@link #failures}: executing side, opaque, before the release of {@link #done}; read by the user
 *     thread after its acquire of {@code done}.</li>
 * </ul>
 * Status slots are written only for failures: a slot holds {@code SUCCESS} unless it holds a failed op
 * that is not reaped yet; the user thread writes {@code SUCCESS} back when it reaps a failed op (before
 * the slot can be reused: reuse needs a later enqueue, published by the release of {@code submitted}).
 * So while {@code failures} equals the failures reaped, reaping needs no status read.
 */
public final class DescriptorRing {
    /** Descriptor kind: copy. */
    public static final byte KIND_COPY = 0;
    /** Descriptor kind: scatter-gather copy. */
    public static final byte KIND_COPY_SG = 1;
    /** Descriptor kind: fill ({@code src} holds the pattern). */
    public static final byte KIND_FILL = 2;

    final int size;
    final int mask;
    final int maxSges;
    final byte[] kind;
    final long[] src;
    final long[] dst;
    final int[] len;
    final long[] flags;
    final int[] status;
    final int[] sgSrcCount;
    final int[] sgDstCount;
    final long[] sgSrc;
    final int[] sgSrcLen;
    final long[] sgDst;
    final int[] sgDstLen;

    /** Enqueued count; writer: user thread. */
    public final PaddedCounter enqueued = new PaddedCounter();
    /** Submitted count (doorbell); writer: user thread. */
    public final PaddedCounter submitted = new PaddedCounter();
    /** Executed count; writer: executing side. */
    public final PaddedCounter done = new PaddedCounter();
    /** Failed ops executed (ever); writer: executing side. */
    public final PaddedCounter failures = new PaddedCounter();

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
        flags = new long[size];
        status = new int[size];
        sgSrcCount = new int[size];
        sgDstCount = new int[size];
        sgSrc = new long[size * maxSges];
        sgSrcLen = new int[size * maxSges];
        sgDst = new long[size * maxSges];
        sgDstLen = new int[size * maxSges];
    }

    /** @return the ring size */
    public int size() {
        return size;
    }

    /** @return most entries per side of a scatter-gather copy */
    public int maxSges() {
        return maxSges;
    }

    /** Writes a copy or fill descriptor (user thread, before publishing {@link #enqueued}). */
    public void put(long seq, byte k, long s, long d, int n, long f) {
        int slot = (int) seq & mask;
        kind[slot] = k;
        src[slot] = s;
        dst[slot] = d;
        len[slot] = n;
        flags[slot] = f;
    }

    /** Writes a scatter-gather descriptor (user thread). */
    public void putSg(long seq, long[] srcs, int[] srcLens, int nbSrc, long[] dsts, int[] dstLens, int nbDst,
                      long f) {
        int slot = (int) seq & mask;
        kind[slot] = KIND_COPY_SG;
        flags[slot] = f;
        sgSrcCount[slot] = nbSrc;
        sgDstCount[slot] = nbDst;
        int base = slot * maxSges;
        System.arraycopy(srcs, 0, sgSrc, base, nbSrc);
        System.arraycopy(srcLens, 0, sgSrcLen, base, nbSrc);
        System.arraycopy(dsts, 0, sgDst, base, nbDst);
        System.arraycopy(dstLens, 0, sgDstLen, base, nbDst);
    }

    /**
     * Records a failed op: stores its status and counts it (executing side, before publishing
     * {@link #done}; single writer, so the opaque read-modify-write is exact).
     *
     * @param seq    the op's sequence number
     * @param status its (non-SUCCESS) status
     */
    public void fail(long seq, int status) {
        this.status[(int) seq & mask] = status;
        failures.setOpaque(failures.getOpaque() + 1);
    }

    /** Stores a status slot (the user thread resets a reaped failure to SUCCESS). */
    public void statusSet(long seq, int value) {
        status[(int) seq & mask] = value;
    }

    /** @param seq op sequence @return its status (valid once {@link #done} passed it, read with acquire) */
    public int status(long seq) {
        return status[(int) seq & mask];
    }

    /**
     * Busy scan (control plane): whether an op between {@link #done} and {@link #enqueued} touches
     * {@code [start, start + length)}. Racy by design: an op enqueued during the scan is caught later
     * by the table the engine re-reads.
     *
     * @param start  first IOVA
     * @param length length
     * @return whether an unfinished op touches the range
     */
    public boolean inFlightTouches(long start, long length) {
        long hi = enqueued.getAcquire();
        for (long seq = done.getAcquire(); seq < hi; seq++) {
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
        return a < b + blen && b < a + alen;
    }
}
