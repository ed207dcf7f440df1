package io.vhostdma.backend.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * References given back from one worker to another: a destination worker that consumed a
 * {@link Handoff} reference (its copies completed, or it copied or dropped the frame) returns the
 * (TX ring, FIFO record) pair to the ring's owner, which releases the chain. Single producer (the
 * destination worker), single consumer (the owner). The owner never has more than {@link #CAPACITY}
 * references out to one worker, so {@link #offer} never finds the queue full.
 *
 * <p>Ordering: the producer writes the entry, then publishes with a release store of {@code tail};
 * the consumer reads {@code tail} with acquire, and frees entries with a release store of
 * {@code head} that the producer reads with acquire.
 */
final class Returns {
    /** Most references one worker has out to another at once. */
    static final int CAPACITY = 4096;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Returns.class, "head", long.class);
            TAIL = l.findVarHandle(Returns.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RingContext[] rings = new RingContext[CAPACITY];
    private final int[] records = new int[CAPACITY];
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private long head; // consumer-owned
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private long tail; // producer-owned

    /** Producer: gives back one reference; false only if the owner broke its bound (never expected). */
    boolean offer(RingContext ring, int record) {
        long t = (long) TAIL.get(this);
        if (t - (long) HEAD.getAcquire(this) >= CAPACITY) {
            return false;
        }
        int i = (int) (t & (CAPACITY - 1));
        rings[i] = ring;
        records[i] = record;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer: whether a reference is waiting. */
    boolean pending() {
        return (long) TAIL.getAcquire(this) != (long) HEAD.get(this);
    }

    /** Consumer: releases every returned reference through {@code owner}; returns how many. */
    int drain(Worker owner) {
        long h = (long) HEAD.get(this);
        long t = (long) TAIL.getAcquire(this);
        int n = 0;
        for (; h < t; h++, n++) {
            int i = (int) (h & (CAPACITY - 1));
            RingContext r = rings[i];
            rings[i] = null;
            r.fifo.unref(records[i]);
            owner.retireTx(r);
        }
        HEAD.setRelease(this, h);
        return n;
    }
}
