package io.vhostdma.dma.spi;

import io.vhostdma.dma.sg.GatherList;

/**
 * One side of a scatter-gather copy as the layer hands it to an engine: every entry already translated and
 * checked — its range ({@link #pieces}: segment, offset, length, for engines that copy through segments) next
 * to its IOVA ({@link #iovas}, for engines that hand addresses to a device). Owned and reused by the channel;
 * an engine reads it only during the {@link EngineChannel#copySg} call.
 */
public final class SgList {
    /** The translated ranges, in order (each at least 1 byte). */
    public final GatherList pieces;
    /** IOVA of each entry of {@link #pieces}. */
    public final long[] iovas;

    /** @param capacity most entries */
    public SgList(int capacity) {
        pieces = new GatherList(capacity);
        iovas = new long[capacity];
    }

    /** Entries in use. */
    public int count() {
        return pieces.count();
    }
}
