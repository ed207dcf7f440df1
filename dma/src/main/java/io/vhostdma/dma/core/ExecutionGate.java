package io.vhostdma.dma.core;

import io.vhostdma.dma.DmaException;

/**
 * Lets the control plane wait until no operation that may have read an old translation or access table
 * is still executing on a channel (quiescence), without a per-operation atomic.
 *
 * <p>The executing thread (the {@code sw} engine thread, or the caller of a {@code cpu} channel) calls
 * {@link #enter()} before a batch of operations and {@link #exit()} after it: the sequence is odd while
 * inside. {@code enter()} is a volatile store, so every table read inside the batch (volatile reads)
 * is ordered after it. The control plane publishes a new table (volatile store), then calls
 * {@link #awaitQuiescent}: if it reads an even sequence, any later batch starts after the publication
 * and sees the new table; if odd, it waits until the sequence moves on (that batch ended).
 */
public final class ExecutionGate {
    /** Written by the executing thread only; read by control-plane threads. */
    private final PaddedCounter sequence = new PaddedCounter();
    private boolean inside; // executing-thread local

    /**
     * Marks the start of a batch (no-op if already inside).
     *
     * @return whether a new batch began
     */
    public boolean enter() {
        if (inside) {
            return false;
        }
        inside = true;
        // volatile store: StoreLoad-ordered before this batch's volatile table reads
        sequence.setVolatile(sequence.getOpaque() + 1);
        return true;
    }

    /** Marks the end of a batch (no-op if not inside). */
    public void exit() {
        if (inside) {
            inside = false;
            // release: the batch's memory effects happen-before the control plane seeing the even value
            sequence.setRelease(sequence.getOpaque() + 1);
        }
    }

    /**
     * Waits until the executing thread is outside a batch or has finished the one it was in.
     *
     * @param timeoutNanos how long to wait
     * @param what         context for the timeout message
     * @throws DmaException.Busy when the batch did not end in time
     */
    public void awaitQuiescent(long timeoutNanos, String what) {
        long seen = sequence.getVolatile();
        if ((seen & 1) == 0) {
            return;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (sequence.getVolatile() == seen) {
            if (System.nanoTime() - deadline > 0) {
                throw new DmaException.Busy("channel did not reach a quiescent point: " + what
                    + " timeoutNanos=" + timeoutNanos);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
