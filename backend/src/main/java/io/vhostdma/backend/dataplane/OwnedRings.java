package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.agent.Poller;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.virtq.PathStatus;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * The rings one {@link Worker} owns and their lifecycle: the guest-TX rings it serves (their kick
 * eventfds registered in its epoll), the rings with a bound DMA channel (polled for completions), and
 * the rings whose detach or rebind waits for their copies to drain. Its commands ({@code attachRing},
 * {@code detachRing}, {@code rebindRing}) run on the worker's thread, at its quiescent point; the
 * worker reads the lists in its duty cycle. Not thread-safe.
 */
final class OwnedRings {
    static final int MAX_RINGS = 512;
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");

    private final Worker worker;
    private final DataPlaneImpl plane;
    private final Poller epoll;
    final TxRing[] tx = new TxRing[MAX_RINGS];
    int txCount;
    /** Guest-TX rings without a kick eventfd (the worker's sleep is bounded to poll them). */
    int pollOnlyRings;
    /** Rings with a bound channel (polled for completions), and rings whose detach waits for copies. */
    final OwnedRing[] async = new OwnedRing[MAX_RINGS];
    int asyncCount;
    private final OwnedRing[] draining = new OwnedRing[MAX_RINGS];
    int drainingCount;

    OwnedRings(Worker worker, DataPlaneImpl plane, Poller epoll) {
        this.worker = worker;
        this.plane = plane;
        this.epoll = epoll;
    }

    /** Whether a copy is outstanding on an owned channel, or a detach or rebind still drains. */
    boolean copiesInFlight() {
        if (drainingCount > 0) {
            return true;
        }
        for (int i = 0; i < asyncCount; i++) {
            if (async[i].copiesOutstanding()) {
                return true;
            }
        }
        return false;
    }

    // ---- commands (run on this worker's thread, at its quiescent point) ----

    void attachRing(OwnedRing r) {
        int rc = r.queue.attach(r.device.memory(), true);
        if (rc != PathStatus.OK) {
            // not served; a later detach finds nothing and answers with the session's base
            r.queue.markBroken(rc);
            r.counters.ringError();
            LOG.log(Level.WARNING, "ring not started: " + r.describe() + " error=" + PathStatus.describe(rc));
            return;
        }
        if (r.copies != null) {
            async[asyncCount++] = r;
        }
        // kicks off: TX rings are polled while busy; RX kicks carry no information for us (we look for buffers
        // when a frame arrives)
        r.queue.disableNotifications();
        if (r instanceof TxRing t) {
            tx[txCount++] = t;
            if (t.kickFd >= 0) {
                // edge-triggered: every kick wakes us, and the front end's eventfd is never read (a read of an
                // eventfd whose O_NONBLOCK the front end cleared would block until it kicks)
                epoll.watchSignals(t.kickFd, t.kickFd);
            } else {
                pollOnlyRings++;
            }
        } else {
            r.port.setRx(r.queuePair, (RxRing) r);
        }
    }

    /**
     * Stops serving a ring: no new chain is taken and no new copy submitted. The ring's base is
     * reported once every copy it submitted, and every copy reading its TX chains, completed and every
     * taken chain was returned; {@code done} completes with it (or with the session's base when the ring was not attached).
     */
    void detachRing(VhostDevice device, int ringIndex, CompletableFuture<Integer> done) {
        OwnedRing r = null;
        if ((ringIndex & 1) == 1) {
            for (int i = 0; i < txCount; i++) {
                if (tx[i].device == device && tx[i].ringIndex == ringIndex) {
                    r = tx[i];
                    tx[i] = tx[--txCount];
                    tx[txCount] = null;
                    if (r.kickFd >= 0) {
                        epoll.unwatch(r.kickFd);
                    } else {
                        pollOnlyRings--;
                    }
                    break;
                }
            }
        } else {
            PortState port = plane.portOf(device);
            RxRing rx = port == null ? null : port.rx(ringIndex / 2);
            if (rx != null && rx.device == device && rx.ringIndex == ringIndex) {
                r = rx;
                port.setRx(ringIndex / 2, null);
            }
        }
        if (r == null) {
            done.complete(device.ring(ringIndex).lastAvailIndex()); // never attached: the session's base
            return;
        }
        r.detaching = done;
        if (r instanceof TxRing t) {
            t.revokeLent(worker.dirty); // lent views invalidated before their chains go back and memory may go
            t.fifo.retire(worker.dirty); // chains a failed burst took are returned (or forgotten on a stopped ring)
        }
        if (r.rebound != null) {
            // the front end stops the ring while a rebind drains it: the stop wins (already draining)
            r.rebound.complete(false);
            r.rebound = null;
            return;
        }
        if (r.drained()) {
            finishDetach(r);
        } else {
            draining[drainingCount++] = r;
        }
    }

    /**
     * Moves a started ring to another channel (or to CPU copies when {@code binding} is null) without
     * stopping the guest: the ring stops taking work, drains its copies on the old channel, then runs
     * on the new one from where it stopped. {@code done} completes with true once it does, or with
     * false when the ring is not started (its next start uses the new binding) or stops meanwhile.
     */
    void rebindRing(PortState port, int ringIndex, ChannelBinding binding, CompletableFuture<Boolean> done) {
        OwnedRing r = startedRing(port, ringIndex);
        if (r == null || r.detaching != null || r.rebound != null) {
            done.complete(false);
            return;
        }
        r.paused = true;
        r.rebindTo = binding;
        r.rebound = done;
        if (r.drained()) {
            finishRebind(r);
        } else {
            draining[drainingCount++] = r;
        }
    }

    private OwnedRing startedRing(PortState port, int ringIndex) {
        if ((ringIndex & 1) == 0) {
            RxRing rx = port.rx(ringIndex / 2);
            return rx != null && rx.ringIndex == ringIndex && rx.owner == worker ? rx : null;
        }
        for (int i = 0; i < txCount; i++) {
            if (tx[i].port == port && tx[i].ringIndex == ringIndex) {
                return tx[i];
            }
        }
        return null;
    }

    private void finishRebind(OwnedRing r) {
        removeAsync(r);
        if (r.dirty) {
            worker.flushUsed();
        }
        r.bind(SealedMemoryRule.apply(r.rebindTo, r.device.memory(), r.counters, r.describe()));
        if (r.copies != null) {
            async[asyncCount++] = r;
        }
        r.rebindTo = null;
        r.paused = false;
        r.rebound.complete(true);
        r.rebound = null;
    }

    private void removeAsync(OwnedRing r) {
        for (int i = 0; i < asyncCount; i++) {
            if (async[i] == r) {
                async[i] = async[--asyncCount];
                async[asyncCount] = null;
                break;
            }
        }
    }

    /** Finishes the detaches and rebinds whose rings drained (called at the end of a duty cycle). */
    void finishDrains() {
        for (int i = 0; i < drainingCount; ) {
            OwnedRing r = draining[i];
            if (r.drained()) {
                draining[i] = draining[--drainingCount];
                draining[drainingCount] = null;
                if (r.rebound != null) {
                    finishRebind(r);
                } else {
                    finishDetach(r);
                }
            } else {
                i++;
            }
        }
    }

    private void finishDetach(OwnedRing r) {
        removeAsync(r);
        if (r.dirty) {
            worker.flushUsed();
        }
        r.queue.detach();
        r.detaching.complete(r.queue.lastAvailIndex());
    }
}
