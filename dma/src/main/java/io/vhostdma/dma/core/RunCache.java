package io.vhostdma.dma.core;

import io.vhostdma.dma.memory.MemoryTable;
import java.lang.foreign.MemorySegment;

/**
 * Last-hit translation cache of one side (source or destination) of one channel: the run last used,
 * copied out of the batch's {@link MemoryTable} into plain fields so a repeat hit costs two compares.
 * Holds only runs that are not revoked. Valid only for the table it was filled from: the
 * {@link OpExecutor} {@link #clear()}s it when a batch starts with a different table. Executing thread
 * only.
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

    /** Forgets the cached run (the table changed). */
    void clear() {
        start = 0;
        length = 0;
    }

    /**
     * @param len at least 1
     * @return whether the cached run holds {@code [iova, iova + len)} entirely
     */
    boolean hit(long iova, int len) {
        long rel = iova - start;
        // unsigned: rel in [0, length); then rel + len cannot overflow (len is an int, length < 2^62)
        return Long.compareUnsigned(rel, length) < 0 && rel + len <= length;
    }

    /**
     * Caches a run of a table. Only runs whose registration is not revoked are cached, so a hit needs
     * no revocation check.
     *
     * @param t   the batch's table
     * @param run a run of {@code t} that is not revoked
     */
    void fill(MemoryTable t, int run) {
        start = t.start(run);
        length = t.length(run);
        segment = t.segment(run);
        bias = t.offsetOf(run, start) - start;
        domain = t.domainHandle(run);
    }
}
