package io.vhostdma.vhost.frontend;

import java.lang.foreign.MemorySegment;

/**
 * A fixed set of equally sized buffers carved out of guest memory, one per descriptor slot: each
 * buffer's guest-physical address and the host segment + offset where the driver writes it.
 */
final class BufferPool {
    private final MemorySegment[] segments;
    private final long[] offsets;
    private final long[] gpas;

    BufferPool(GuestMemoryImage memory, int count, long size, long align) {
        this.segments = new MemorySegment[count];
        this.offsets = new long[count];
        this.gpas = new long[count];
        for (int i = 0; i < count; i++) {
            gpas[i] = memory.allocate(size, align);
            segments[i] = memory.segmentOf(gpas[i], size);
            offsets[i] = memory.offsetOf(gpas[i]);
        }
    }

    /** Guest-physical address of buffer {@code i}. */
    long gpa(int i) {
        return gpas[i];
    }

    /** Host segment holding buffer {@code i} (a region segment; use with {@link #offset(int)}). */
    MemorySegment segment(int i) {
        return segments[i];
    }

    /** Offset of buffer {@code i} inside {@link #segment(int)}. */
    long offset(int i) {
        return offsets[i];
    }
}
