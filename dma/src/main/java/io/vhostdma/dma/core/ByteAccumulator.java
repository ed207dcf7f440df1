package io.vhostdma.dma.core;

/**
 * Sums the bytes of reaped ops per domain pair while consecutive ops share a pair, and adds them to the
 * channel's counters when the pair changes and at the end of every reap ({@link #flush}). User thread
 * only; allocation-free.
 */
public final class ByteAccumulator {
    private final ChannelCounters counters;
    private int src;
    private int dst;
    private long bytes;

    /** @param counters the channel's counters */
    public ByteAccumulator(ChannelCounters counters) {
        this.counters = counters;
    }

    /** Adds the bytes of {@code count} reaped successes starting at {@code seq} (records of {@code ring}). */
    public void addReaped(DescriptorRing ring, long seq, int count) {
        for (long s = seq; s < seq + count; s++) {
            ring.countBytes(s, this);
        }
    }

    void add(int srcHandle, int dstHandle, long n) {
        if (srcHandle != src || dstHandle != dst) {
            flush();
            src = srcHandle;
            dst = dstHandle;
        }
        bytes += n;
    }

    /** Adds what was summed to the counters. */
    public void flush() {
        if (bytes != 0) {
            counters.addBytes(src, dst, bytes);
            bytes = 0;
        }
    }
}
