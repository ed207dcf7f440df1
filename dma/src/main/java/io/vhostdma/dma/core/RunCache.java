package io.vhostdma.dma.core;

import io.vhostdma.dma.memory.MemoryTable;
import java.lang.foreign.MemorySegment;

/**
 * Last-hit translation cache of one side (source or destination) of one channel: the run last used,
 * copied out of its {@link MemoryTable} into plain fields so a repeat hit costs one identity check and
 * two compares. Valid only for the table it was filled from. Executing thread only.
 */
final class RunCache {
    private MemoryTable table;
    private long start;
    private long length;
    /** Segment of the cached run. */
    MemorySegment segment;
    /** Segment offset minus run start: {@code offset = iova + bias}. */
    long bias;
    /** Owning domain handle. */
    int domain;
    /** Whether the owning registration is revoked. */
    boolean revoked;

    /**
     * Points the cache at the run holding {@code [iova, iova + len)}.
     *
     * @return whether such a run exists in {@code t}
     */
    boolean lookup(MemoryTable t, long iova, long len) {
        long rel = iova - start;
        if (t == table && rel >= 0 && rel < length && len <= length - rel) {
            return true;
        }
        int run = t.find(iova, len);
        if (run < 0) {
            return false;
        }
        table = t;
        start = t.start(run);
        length = t.length(run);
        segment = t.segment(run);
        bias = t.offsetOf(run, start) - start;
        domain = t.domainHandle(run);
        revoked = t.revoked(run);
        return true;
    }
}
