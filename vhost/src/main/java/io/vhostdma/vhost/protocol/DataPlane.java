package io.vhostdma.vhost.protocol;

/**
 * What a {@link VhostUserSession} needs from the data plane (implemented by the daemon's workers).
 * Every method is called on the connection's event loop and must not block it; the futures may
 * complete on any thread (the session re-enters its loop before acting on them).
 *
 * <p>Call order per ring: {@code attach} → ({@code detach} → {@code attach})* → {@code detach}.
 * A ring is never attached twice without a detach in between, and the session changes the ring's
 * plain {@link VringConfig} fields only between a completed detach and the next attach.
 */
public interface DataPlane {
    /** The ring has started (kick fd installed, addresses known, memory table present): the data plane owns it until detach. Called on the connection's event loop. */
    void attach(VhostDevice device, int ringIndex);

    /** Stop touching the ring; publish consumed chains, roll back reserved RX chains; complete with the ring's last avail index (16 bits). */
    java.util.concurrent.CompletableFuture<Integer> detach(VhostDevice device, int ringIndex);

    /** Completes once every data-plane thread has passed a quiescent point after this call (nobody holds stale fds/memory references). */
    java.util.concurrent.CompletableFuture<Void> quiesce();
}
