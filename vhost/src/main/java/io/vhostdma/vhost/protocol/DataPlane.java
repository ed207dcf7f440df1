package io.vhostdma.vhost.protocol;

/**
 * What a {@link VhostUserSession} needs from the data plane (implemented by the daemon's workers).
 * Every method is called on the connection's event loop and must not block it; the futures may
 * complete on any thread (the session re-enters its loop before acting on them).
 *
 * <p>Call order per ring: {@code attach} → ({@code detach} → {@code attach})* → {@code detach}.
 * A ring is never attached twice without a detach in between, and the session changes the ring's
 * plain {@link VringConfig} fields only between a completed detach and the next attach.
 * Registering guest memory with a DMA layer is not the data plane's business: see {@link GuestMemoryListener}.
 */
public interface DataPlane {
    /** The ring has started (kick fd installed, addresses known, memory table present): the data plane owns it until detach. Called on the connection's event loop. */
    void attach(VhostDevice device, int ringIndex);

    /** Stop touching the ring; publish consumed chains, roll back reserved RX chains; complete with the ring's last avail index (16 bits). */
    java.util.concurrent.CompletableFuture<Integer> detach(VhostDevice device, int ringIndex);

    /**
     * SEND_RARP: the guest behind {@code device} now lives here (after a live migration); a RARP frame from
     * {@code mac} (first octet in bits 47..40) enters the switch as this port's, so the MAC table and the peers
     * learn the new port at once. Must not block; the frame's fate is counted like any other.
     */
    default void announce(VhostDevice device, long mac) {
    }

    /** Completes once every data-plane thread has passed a quiescent point after this call (nobody holds stale fds/memory references). */
    java.util.concurrent.CompletableFuture<Void> quiesce();
}
