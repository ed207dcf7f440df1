package io.vhostdma.dma.spi;

import java.lang.foreign.MemorySegment;

/**
 * One side of a scatter-gather copy as the layer hands it to an engine: every entry already translated
 * (its segment and offset, for engines that copy through segments) and checked, next to its IOVA (for
 * engines that hand addresses to a device). Owned and reused by the channel; an engine reads it only
 * during the {@link EngineChannel#copySg} call.
 */
public final class SgList {
    /** Segment of each entry. */
    public final MemorySegment[] segments;
    /** Offset of each entry in its segment. */
    public final long[] offsets;
    /** IOVA of each entry. */
    public final long[] iovas;
    /** Length of each entry, at least 1. */
    public final int[] lengths;
    /** Entries in use. */
    public int count;

    /** @param capacity most entries */
    public SgList(int capacity) {
        segments = new MemorySegment[capacity];
        offsets = new long[capacity];
        iovas = new long[capacity];
        lengths = new int[capacity];
    }
}
