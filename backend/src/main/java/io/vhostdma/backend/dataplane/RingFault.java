package io.vhostdma.backend.dataplane;

/**
 * Something thrown while a frame was being written into RX ring {@link #ring}: carries the ring to fault
 * containment, which counts the frame on it when it was that guest's memory that faulted ({@link #getCause()} is
 * what was thrown). Allocated only on the fault path.
 */
final class RingFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RxRing ring;

    RingFault(RxRing ring, Throwable cause) {
        super(cause.toString(), cause, false, false);
        this.ring = ring;
    }
}
