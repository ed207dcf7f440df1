package io.vhostdma.dma.core;

import io.vhostdma.dma.memory.MemoryTable;
import java.lang.foreign.MemorySegment;

/**
 * Last-hit translation cache of one side (source or destination) of one channel: the run last used,
 * copied out of the batch's {@link MemoryTable} into plain fields so a repeat hit costs two compares.
 * Valid only for the table it was filled from: the {@link OpExecutor} {@link #clear()}s it when a batch
 * starts with a different table. Executing thread only.
 */
final class RunCache {
    private long start;
    private long length; // 0: empty (no range is inside)
    /** Segment of the cached run. */
    MemorySegment segment;
    /** Segment offset minus run start: {@code offset = iova + bias}. */
    long bias;
    /** Owning domain handle. */
    int domain;
    /** Whether the owning registration is revoked. */
    boolean revoked;

    /** Forgets the cached run (the table changed). */
    void clear() {
        start = 0;
        length = 0;
    }

    /**
     * Points the cache at the run holding {@code [iova, iova + len)}.
     *
     * @param t   the batch's table (the one the cache was last filled from, or cleared for)
     * @param len at least 1
     * @return whether such a run exists in {@code t}
     */
    boolean lookup(MemoryTable t, long iova, int len) {
        long rel = iova - start;
        // unsigned: rel in [0, length); then rel + len cannot overflow (len is an int, length < 2^62)
        if (Long.compareUnsigned(rel, length) < 0 && rel + len <= length) {
            return true;
        }
        return fill(t, iova, len);
    }

    private boolean fill(MemoryTable t, long iova, int len) {
        int run = t.find(iova, len);
        if (run < 0) {
            return false;
        }
        start = t.start(run);
        length = t.length(run);
        segment = t.segment(run);
        bias = t.offsetOf(run, start) - start;
        domain = t.domainHandle(run);
        revoked = t.revoked(run);
        return true;
    }
}
