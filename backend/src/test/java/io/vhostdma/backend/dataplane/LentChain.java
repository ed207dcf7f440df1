package io.vhostdma.backend.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A guest TX chain as the lending stress tests see it: one 16-byte guest buffer holding {@link #SENT} and a
 * {@link Hold} standing for the chain's FIFO record. When its last hold goes the chain is back with the guest, which
 * may reuse the buffer at once: {@link #lastReleased} writes {@link #REUSED} into it, so a reader that sees
 * {@code REUSED} read a buffer the guest already had back.
 */
final class LentChain extends Hold {
    static final long SENT = 1;
    static final long REUSED = 2;
    static final int LENGTH = 16;

    final MemorySegment buffer = Arena.ofAuto().allocate(LENGTH, 8);
    /** Times the chain went back to the guest (written by the worker, read by the arbiter). */
    int returned;

    LentChain() {
        buffer.set(ValueLayout.JAVA_LONG, 0, SENT);
    }

    /**
     * Lends the chain on queue pair 0 of {@code tap} as {@code TxRing.lend} does: the taker's claim, the tap's
     * retain, the claim released.
     */
    int lendTo(PacketTap tap) {
        holds = 1;
        io.vhostdma.dma.sg.GatherList frame = new io.vhostdma.dma.sg.GatherList(1);
        frame.set(buffer, 0, LENGTH);
        int st = tap.lend(0, frame, LENGTH, this);
        release(false, null);
        return st;
    }

    @Override
    void lastReleased(DirtyList dirty) {
        returned++;
        buffer.set(ValueLayout.JAVA_LONG, 0, REUSED); // the guest reuses its buffer
    }

    /**
     * Reads the frame at {@code position} of queue pair 0 as the lending receiver does ({@code TapSource.pollLent},
     * then {@code PacketBatch}): the window first, positions revoked before it skipped, the published tail with
     * acquire, the frame through the window. Returns the value read, 0 when nothing was there to read (skipped as
     * revoked or not published), -1 when the window was closed under the read (the batch is invalid).
     */
    static long read(PacketTap tap, long position) {
        MemorySegment window = tap.window();
        long cursor = Math.max(position, tap.revokedUpTo(0));
        if (cursor != position || tap.published(0) <= position) {
            return 0;
        }
        try {
            return window.asSlice(tap.address(0, position), tap.length(0, position)).get(ValueLayout.JAVA_LONG, 0);
        } catch (IllegalStateException closed) {
            return -1;
        }
    }
}
