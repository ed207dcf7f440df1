package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.agent.Doorbell;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The sleep/wake hand-shake of one sleeper (a worker) with the threads that publish work for it (other workers'
 * hand-offs and returns, the reactive API's sends, commands): a producer publishes, then {@link #wake}s; the sleeper
 * {@link #announce}s it is about to sleep, re-checks its queues, and sleeps on the eventfd only if they are still
 * empty. A full fence on each side (producer: publish, fence, read {@code sleeping}; sleeper: write
 * {@code sleeping}, fence, re-check) closes the lost-wake-up window: one of the two always sees the other (a
 * Dekker pair; proven by the JCStress test {@code WakeupStress}). Wakes are cheap when the sleeper is awake:
 * one fence and one read.
 */
final class Wakeup implements AutoCloseable {
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(Wakeup.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The eventfd the sleeper waits on (in its epoll set), or -1 for a sleeper that never blocks. */
    final int fd;
    /** The sleeper's doorbell, or null for a sleeper that never blocks. */
    private final Doorbell bell;
    private final Runnable signal;
    @SuppressWarnings("unused") // through SLEEPING
    private boolean sleeping;

    /** A hand-shake over a fresh eventfd. */
    Wakeup() {
        this(new Doorbell());
    }

    private Wakeup(Doorbell bell) {
        this.fd = bell.fd();
        this.bell = bell;
        this.signal = bell::ring;
    }

    /** A hand-shake whose wake-up runs {@code signal} (tests: a counter instead of an eventfd). */
    Wakeup(Runnable signal) {
        this.fd = -1;
        this.bell = null;
        this.signal = signal;
    }

    /** Producer, after publishing: wakes the sleeper if it sleeps (or is about to). */
    void wake() {
        VarHandle.fullFence(); // orders our publication before the read below; pairs with announce()'s fence
        if ((boolean) SLEEPING.getOpaque(this)) {
            signal.run();
        }
    }

    /** Signals the sleeper whether it sleeps or not (a stop request). */
    void signalNow() {
        signal.run();
    }

    /** Sleeper: about to sleep; the caller must check its queues again afterwards and {@link #done} either way. */
    void announce() {
        SLEEPING.setOpaque(this, true);
        VarHandle.fullFence(); // orders the store above before the caller's re-check of its queues
    }

    /** Sleeper: awake again (or decided not to sleep). */
    void done() {
        SLEEPING.setOpaque(this, false);
    }

    /** Sleeper: takes the wake-ups that arrived (drains the eventfd). */
    void clear() {
        if (bell != null) {
            bell.drain();
        }
    }

    @Override
    public void close() {
        if (bell != null) {
            bell.close();
        }
    }
}
