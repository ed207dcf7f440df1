package io.vhostdma.backend.dataplane;

/**
 * What keeps a frame's bytes where they are while something still reads them: a guest TX chain's record
 * ({@link TxFifo.Record}: the chain goes back to the guest only once no hold remains), a staging slot, a send-ring
 * slot, a hand-off slot. Whoever takes a frame holds it once (its claim) until the frame has been forwarded; a
 * DMA copy that reads the bytes {@link #retain}s it when submitted and {@link #release}s it when its record
 * completed. The last release gives the bytes back (a chain to its ring's FIFO, a slot to its pool or queue).
 *
 * <p>Retained and released only on the worker that owns the hold, except a hand-off slot's, which the receiving
 * worker retains and releases and which crosses back to its owner when the last hold ends. No synchronisation.
 */
abstract class Hold {
    /** The taker's claim plus the copies reading the bytes (owner-local; set to 1 when the bytes are taken). */
    int holds;

    /** A copy reading the bytes was submitted. */
    final void retain() {
        holds++;
    }

    /**
     * A holder is done with the bytes: a copy completed ({@code delivered}: it landed in a guest) or failed, or the
     * taker forwarded the frame ({@code delivered}: it reached at least one guest at once). Rings whose used ring
     * changed because of it go to {@code dirty}.
     */
    final void release(boolean delivered, DirtyList dirty) {
        if (delivered) {
            landed();
        }
        if (--holds == 0) {
            lastReleased(dirty);
        }
    }

    /** A holder reported the frame reached a guest (a send-ring slot records it; others ignore it). */
    void landed() {
    }

    /** The last hold ended: the bytes go back (a chain to its FIFO, a slot to its pool or giver). */
    abstract void lastReleased(DirtyList dirty);
}
