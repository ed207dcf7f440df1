package io.vhostdma.vhost.net;

import io.vhostdma.vhost.virtq.DescriptorChain;

import java.lang.foreign.MemorySegment;

/**
 * A reusable list of {@code (segment, offset, length)} byte ranges. Zero allocation after construction.
 */
public final class GatherList {

    private final MemorySegment[] segments;
    private final long[] offsets;
    private final int[] lengths;
    private int count;
    private long totalBytes;

    /** A list for up to {@link DescriptorChain#MAX_SEGMENTS} entries. */
    public GatherList() {
        this(DescriptorChain.MAX_SEGMENTS);
    }

    /** A list for up to {@code capacity} entries. */
    public GatherList(int capacity) {
        segments = new MemorySegment[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
    }

    /** Empties the list. */
    public void clear() {
        count = 0;
        totalBytes = 0;
    }

    /**
     * Appends a range; zero-length ranges are ignored.
     *
     * @return false when the list is full
     */
    public boolean add(MemorySegment segment, long offset, int length) {
        if (length == 0) {
            return true;
        }
        if (count == segments.length) {
            return false;
        }
        segments[count] = segment;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        totalBytes += length;
        return true;
    }

    /** Appends the readable part of {@code chain}, skipping its first {@code skip} bytes. */
    public void addReadable(DescriptorChain chain, long skip) {
        addRange(chain, 0, chain.readableCount(), skip);
    }

    /** Appends the writable part of {@code chain}. */
    public void addWritable(DescriptorChain chain) {
        addRange(chain, chain.readableCount(), chain.segmentCount(), 0);
    }

    private void addRange(DescriptorChain chain, int from, int to, long skip) {
        long left = skip;
        for (int i = from; i < to; i++) {
            int len = chain.length(i);
            if (left >= len) {
                left -= len;
                continue;
            }
            add(chain.segment(i), chain.offset(i) + left, (int) (len - left));
            left = 0;
        }
    }

    /** Number of entries. */
    public int count() {
        return count;
    }

    /** Sum of the entry lengths. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Segment of entry {@code i}. */
    public MemorySegment segment(int i) {
        return segments[i];
    }

    /** Offset of entry {@code i} in its segment. */
    public long offset(int i) {
        return offsets[i];
    }

    /** Length of entry {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * Copies the listed bytes, in order, into {@code dst} starting at {@code dstOffset} (a host
     * buffer large enough for {@link #totalBytes()}); allocation-free.
     */
    public void copyTo(MemorySegment dst, long dstOffset) {
        long pos = dstOffset;
        for (int i = 0; i < count(); i++) {
            MemorySegment.copy(segment(i), offset(i), dst, pos, length(i));
            pos += length(i);
        }
    }
}
