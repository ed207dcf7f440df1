package io.vhostdma.dma.core;

import io.vhostdma.dma.memory.MemoryTable;
import java.lang.foreign.MemorySegment;

/**
 * The last route of one channel: the source run and the destination run last used, copied out of the
 * batch's {@link MemoryTable} into plain fields so a repeat hit costs two compares per side. A
 * superclass of {@link OpExecutor} rather than two objects of their own, so the fast path reads them
 * with one load less per side (the executor's fields, not a cache object's). Holds only runs that are
 * not revoked; valid only for the table it was filled from ({@link #clearRoute()} when a batch starts
 * with a different table). Executing thread only.
 */
abstract class RouteCache {
    private long srcStart;
    private long srcLength; // 0: empty (no range is inside)
    private long dstStart;
    private long dstLength;
    /** Segment of the cached source run. */
    MemorySegment srcSegment;
    /** Source segment offset minus run start: {@code offset = iova + srcBias}. */
    long srcBias;
    /** Domain handle owning the cached source run. */
    int srcDomain;
    /** Segment of the cached destination run. */
    MemorySegment dstSegment;
    /** Destination segment offset minus run start. */
    long dstBias;
    /** Domain handle owning the cached destination run. */
    int dstDomain;

    /** Forgets both runs (the table changed). */
    final void clearRoute() {
        srcLength = 0;
        dstLength = 0;
    }

    /** @param len at least 1 @return whether the cached source run holds {@code [iova, iova + len)} */
    final boolean srcHit(long iova, int len) {
        return inside(iova - srcStart, srcLength, len);
    }

    /** @param len at least 1 @return whether the cached destination run holds {@code [iova, iova + len)} */
    final boolean dstHit(long iova, int len) {
        return inside(iova - dstStart, dstLength, len);
    }

    private static boolean inside(long rel, long length, int len) {
        // unsigned: rel in [0, length); then rel + len cannot overflow (len is an int, length < 2^62)
        return Long.compareUnsigned(rel, length) < 0 && rel + len <= length;
    }

    /** Caches run {@code run} of {@code t} (not revoked) as the source run. */
    final void fillSrc(MemoryTable t, int run) {
        srcStart = t.start(run);
        srcLength = t.length(run);
        srcSegment = t.segment(run);
        srcBias = t.offsetOf(run, srcStart) - srcStart;
        srcDomain = t.domainHandle(run);
    }

    /** Caches run {@code run} of {@code t} (not revoked) as the destination run. */
    final void fillDst(MemoryTable t, int run) {
        dstStart = t.start(run);
        dstLength = t.length(run);
        dstSegment = t.segment(run);
        dstBias = t.offsetOf(run, dstStart) - dstStart;
        dstDomain = t.domainHandle(run);
    }
}
