package io.vhostdma.dma.sg;

import java.lang.foreign.MemorySegment;

/**
 * The one scatter-gather walk: the common pieces of two {@link GatherList}s over a number of bytes, split at
 * every range boundary of either side. Every copy path walks with it — the CPU copier ({@link #copy}), the
 * DMA submission that turns a frame into one op per piece, the slicing of a list
 * ({@link GatherList#addSlice}, where the destination is absent), and the software engines' scatter-gather
 * op. Reusable and allocation-free; owned by one thread.
 *
 * <pre>{@code
 * cursor.start(src, 0, dst, 0, len);
 * for (int n; (n = cursor.next()) > 0; ) {
 *     use(cursor.srcSegment(), cursor.srcOffset(), cursor.dstSegment(), cursor.dstOffset(), n);
 * }
 * }</pre>
 */
public final class GatherCursor {
    private GatherList src;
    private GatherList dst;
    private int si;
    private int di;
    private long so;
    private long dOff;
    private long left;
    private MemorySegment srcSegment;
    private long srcOffset;
    private MemorySegment dstSegment;
    private long dstOffset;

    /**
     * Starts a walk of (at most) {@code len} bytes.
     *
     * @param src     the source list
     * @param srcSkip bytes of {@code src} to skip first
     * @param dst     the destination list, or null for a walk bounded by the source alone
     * @param dstSkip bytes of {@code dst} to skip first
     * @param len     bytes to walk; the walk ends earlier when either list ends
     * @return this cursor
     */
    public GatherCursor start(GatherList src, long srcSkip, GatherList dst, long dstSkip, long len) {
        this.src = src;
        this.dst = dst;
        this.left = len;
        int i = 0;
        long o = srcSkip;
        while (i < src.count() && o >= src.length(i)) {
            o -= src.length(i++);
        }
        si = i;
        so = o;
        i = 0;
        o = dstSkip;
        while (dst != null && i < dst.count() && o >= dst.length(i)) {
            o -= dst.length(i++);
        }
        di = i;
        dOff = o;
        return this;
    }

    /** Advances to the next common piece; returns its length, or 0 once the walk is over. */
    public int next() {
        if (left <= 0 || si >= src.count() || (dst != null && di >= dst.count())) {
            return 0;
        }
        long n = Math.min(left, src.length(si) - so);
        srcSegment = src.segment(si);
        srcOffset = src.offset(si) + so;
        if (dst != null) {
            n = Math.min(n, dst.length(di) - dOff);
            dstSegment = dst.segment(di);
            dstOffset = dst.offset(di) + dOff;
            dOff += n;
            if (dOff == dst.length(di)) {
                di++;
                dOff = 0;
            }
        }
        so += n;
        if (so == src.length(si)) {
            si++;
            so = 0;
        }
        left -= n;
        return (int) n;
    }

    /** Source segment of the current piece. */
    public MemorySegment srcSegment() {
        return srcSegment;
    }

    /** Offset of the current piece in {@link #srcSegment()}. */
    public long srcOffset() {
        return srcOffset;
    }

    /** Destination segment of the current piece (null for a walk without destination). */
    public MemorySegment dstSegment() {
        return dstSegment;
    }

    /** Offset of the current piece in {@link #dstSegment()}. */
    public long dstOffset() {
        return dstOffset;
    }

    /** Counts the pieces of a walk without copying (then {@link #start} again to walk them). */
    public int pieces(GatherList src, long srcSkip, GatherList dst, long dstSkip, long len) {
        start(src, srcSkip, dst, dstSkip, len);
        int n = 0;
        while (next() > 0) {
            n++;
        }
        return n;
    }

    /**
     * Copies {@code len} bytes from {@code src} ({@code srcSkip} bytes in) to {@code dst} ({@code dstSkip} bytes
     * in) with the CPU, piece by piece ({@code MemorySegment.copy}).
     *
     * @return bytes copied: {@code len}, or fewer when either list ends first
     */
    public long copy(GatherList src, long srcSkip, GatherList dst, long dstSkip, long len) {
        start(src, srcSkip, dst, dstSkip, len);
        long done = 0;
        for (int n; (n = next()) > 0; ) {
            MemorySegment.copy(srcSegment, srcOffset, dstSegment, dstOffset, n);
            done += n;
        }
        return done;
    }
}
