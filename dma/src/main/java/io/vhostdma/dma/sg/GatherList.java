package io.vhostdma.dma.sg;

import java.lang.foreign.MemorySegment;

/**
 * A reusable list of {@code (segment, offset, length)} byte ranges: a popped descriptor chain's buffers, a
 * frame, a reserved RX packet's payload, one side of a scatter-gather DMA op. Each range is
 * {@code [offset(i), offset(i) + length(i))} of {@code segment(i)} (a whole mapped region, never a slice, so
 * passing a range on allocates nothing). Zero allocation after construction; owned by one thread.
 */
public final class GatherList {
    private final MemorySegment[] segments;
    private final long[] offsets;
    private final int[] lengths;
    private int count;
    private long totalBytes;

    /** A list for up to {@code capacity} ranges. */
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
     * Appends a range; a zero-length range is ignored.
     *
     * @return false when the list is full (nothing appended)
     */
    public boolean add(MemorySegment segment, long offset, int length) {
        if (length == 0) {
            return true;
        }
        int i = count;
        if (i == segments.length) {
            return false;
        }
        segments[i] = segment;
        offsets[i] = offset;
        lengths[i] = length;
        count = i + 1;
        totalBytes += length;
        return true;
    }

    /** Sets the list to the one range {@code [offset, offset + length)} of {@code segment} (length at least 1). */
    public void set(MemorySegment segment, long offset, int length) {
        segments[0] = segment;
        offsets[0] = offset;
        lengths[0] = length;
        count = 1;
        totalBytes = length;
    }

    /**
     * Appends {@code len} bytes of {@code from}, starting {@code skip} bytes in (walked with {@code cursor}).
     *
     * @return false when this list filled up first (what fitted stays appended)
     */
    public boolean addSlice(GatherList from, long skip, long len, GatherCursor cursor) {
        if (from.count == 1 && skip + len <= from.lengths[0]) {
            return len == 0 || add(from.segments[0], from.offsets[0] + skip, (int) len); // the common case
        }
        cursor.start(from, skip, null, 0, len);
        for (int n; (n = cursor.next()) > 0; ) {
            if (!add(cursor.srcSegment(), cursor.srcOffset(), n)) {
                return false;
            }
        }
        return true;
    }

    /** Ranges in the list. */
    public int count() {
        return count;
    }

    /** Most ranges the list holds. */
    public int capacity() {
        return segments.length;
    }

    /** Sum of the range lengths. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Segment of range {@code i}. */
    public MemorySegment segment(int i) {
        return segments[i];
    }

    /** Offset of range {@code i} in its segment. */
    public long offset(int i) {
        return offsets[i];
    }

    /** Length of range {@code i} (at least 1). */
    public int length(int i) {
        return lengths[i];
    }

    /** The address of the first byte of range {@code i} (its IOVA when memory is registered IOVA-as-VA). */
    public long address(int i) {
        return segments[i].address() + offsets[i];
    }

    /** Forgets the segment references (so a list kept around does not hold unmapped memory reachable). */
    public void forget() {
        java.util.Arrays.fill(segments, 0, count, null);
        clear();
    }

    /**
     * Copies the listed bytes, in order, into {@code dst} from {@code dstOffset} on (a host buffer of at least
     * {@link #totalBytes()} bytes); allocation-free.
     */
    public void copyTo(MemorySegment dst, long dstOffset) {
        long pos = dstOffset;
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(segments[i], offsets[i], dst, pos, lengths[i]);
            pos += lengths[i];
        }
    }
}
