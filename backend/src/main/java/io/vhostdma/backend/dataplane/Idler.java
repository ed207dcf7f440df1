package io.vhostdma.backend.dataplane;

/**
 * How a worker idles when a duty cycle found nothing to do (its idle strategy). While copies are in flight it only
 * yields (an engine thread may share the core; a worker never sleeps on outstanding copies). Otherwise it spins for
 * {@code vhostd.idleSpinMicros} (200 µs) — yielding instead while one of its TX rings feeds a reactive receiver, whose
 * threads may share its core when the backend is embedded — then re-arms guest kicks on every TX ring (NO_NOTIFY cleared /
 * {@code avail_event = last_avail_idx}, then a full fence), checks every ring and every queue once more — closing
 * the race in which a guest added a buffer, or another thread published work, while we were not looking — and
 * sleeps in {@code epoll_wait} on the kick eventfds (edge-triggered, never read) and its wake-up eventfd (1 s
 * timeout; 1 ms while a ring has no kick fd). On waking it suppresses kicks again. Worker thread only.
 */
final class Idler {
    private static final long SPIN_NANOS = Long.getLong("vhostd.idleSpinMicros", 200L) * 1000L;

    private final Worker worker;
    private long idleSince;

    Idler(Worker worker) {
        this.worker = worker;
    }

    /** The worker did work: the next idle period starts afresh. */
    void reset() {
        idleSince = 0;
    }

    /** One idle step after a duty cycle that did nothing. */
    void idle() {
        OwnedRings rings = worker.rings;
        if (rings.copiesInFlight()) {
            Thread.yield(); // never sleep with copies in flight; let an engine thread sharing the core run
            return;
        }
        long now = System.nanoTime();
        if (idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < SPIN_NANOS) {
            if (worker.feedsReceiver()) {
                Thread.yield(); // a reactive receiver's thread may share this core (embedded): let it take the frames
            } else {
                Thread.onSpinWait();
            }
            return;
        }
        armKicks(rings, true);
        boolean work = worker.workPublished();
        for (int i = 0; i < rings.txCount && !work; i++) {
            work = rings.tx[i].live() && rings.tx[i].queue.pending() != 0;
        }
        if (!work) {
            sleep(rings);
        }
        armKicks(rings, false);
        idleSince = 0;
    }

    private void sleep(OwnedRings rings) {
        Wakeup w = worker.wakeup;
        w.announce(); // pairs with the fence in Wakeup.wake(): either the producer sees us sleeping, or we see its work
        if (!worker.workPublished()) {
            int ready = worker.epoll.await(rings.pollOnlyRings > 0 ? 1 : 1000);
            w.done();
            for (int i = 0; i < ready; i++) {
                if (worker.epoll.data(i) < 0) {
                    w.clear(); // our own eventfd; kick fds are edge-triggered and never read
                }
            }
            worker.stats().slept();
        } else {
            w.done();
        }
    }

    /**
     * Re-arms (or suppresses again) guest kicks on every live TX ring. Re-arming ends with a full fence: the
     * caller then re-checks every ring before sleeping.
     */
    private static void armKicks(OwnedRings rings, boolean on) {
        for (int i = 0; i < rings.txCount; i++) {
            TxRing r = rings.tx[i];
            if (r.live()) {
                if (on) {
                    r.queue.enableNotifications();
                } else {
                    r.queue.disableNotifications();
                }
            }
        }
    }
}
