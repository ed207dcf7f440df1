package io.vhostdma.backend.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes a control-side party (the reactive receiver of a {@link PacketTap}, the sender of an {@link Injector})
 * that waits for what workers publish, without a timer and without allocating on the worker.
 *
 * <p>Hand-shake (Dekker, a full fence on each side): the waiting party {@link #arm}s (a store, then a full
 * fence), re-checks its source and sleeps only if the re-check found nothing; a worker publishes (its release
 * store of a tail or a returned slot), then {@link #signal}s: a full fence, then a read of {@code armed}. Either
 * the re-check sees the publication or the worker sees {@code armed}: a publication is never missed. A signal
 * that finds the party armed disarms it, marks it pending and unparks the {@code notifier} thread, which calls
 * {@link #takePending} and runs the party's wake-up on the party's own executor (the Vert.x context).
 */
public final class WakeSignal {
    private static final VarHandle ARMED;
    private static final VarHandle PENDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ARMED = l.findVarHandle(WakeSignal.class, "armed", boolean.class);
            PENDING = l.findVarHandle(WakeSignal.class, "pending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread notifier;
    @SuppressWarnings("unused") // through ARMED
    private boolean armed;
    @SuppressWarnings("unused") // through PENDING
    private boolean pending;

    /** @param notifier the thread unparked by a signal (it polls {@link #takePending}) */
    public WakeSignal(Thread notifier) {
        this.notifier = notifier;
    }

    /** Waiting party, before its re-check: from here on a publication signals (store, then a full fence). */
    public void arm() {
        ARMED.setOpaque(this, true);
        VarHandle.fullFence(); // StoreLoad: armed before the re-check's loads of the source
    }

    /** Waiting party: the re-check found work, no signal is needed. */
    public void disarm() {
        ARMED.setOpaque(this, false);
    }

    /** Worker, after publishing (a release store): wakes the party if it armed. Allocation-free. */
    public void signal() {
        VarHandle.fullFence(); // StoreLoad: our publication before the read of armed
        if ((boolean) ARMED.getOpaque(this)) {
            ARMED.setOpaque(this, false);
            PENDING.setRelease(this, true);
            LockSupport.unpark(notifier);
        }
    }

    /** Notifier thread: whether a signal arrived since the last call (and clears it). */
    public boolean takePending() {
        if (!(boolean) PENDING.getAcquire(this)) {
            return false;
        }
        PENDING.setOpaque(this, false);
        return true;
    }
}
