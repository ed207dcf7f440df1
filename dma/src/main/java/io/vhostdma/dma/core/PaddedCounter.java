package io.vhostdma.dma.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding: keeps {@link PaddedCounter#value} off the cache line of whatever precedes the object. */
abstract class PaddedCounterLhs {
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The value, between two pads. */
abstract class PaddedCounterValue extends PaddedCounterLhs {
    volatile long value;
}

/** Right padding. */
abstract class PaddedCounterRhs extends PaddedCounterValue {
    long p11, p12, p13, p14, p15, p16, p17, p18;
}

/**
 * A 64-bit counter alone on its cache line (superclass padding: HotSpot lays superclass fields first).
 * Every access names its ordering; the owner of each counter (the single writer) is documented where the
 * counter is declared.
 */
public final class PaddedCounter extends PaddedCounterRhs {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedCounterValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @return the value with acquire semantics (pairs with {@link #setRelease}) */
    public long getAcquire() {
        return (long) VALUE.getAcquire(this);
    }

    /** @return the value with opaque semantics (progress-only reads, stats) */
    public long getOpaque() {
        return (long) VALUE.getOpaque(this);
    }

    /** @return the value with volatile (sequentially consistent) semantics */
    public long getVolatile() {
        return value;
    }

    /**
     * A plain store (no ordering, and no compiler barrier): for a counter its writer updates per op and
     * publishes by a later release elsewhere (the channel's gate).
     *
     * @param v the new value
     */
    public void setPlain(long v) {
        VALUE.set(this, v);
    }

    /** @param v the new value, published with release semantics */
    public void setRelease(long v) {
        VALUE.setRelease(this, v);
    }

    /** @param v the new value, sequentially consistent (a StoreLoad fence follows on x86) */
    public void setVolatile(long v) {
        value = v;
    }

    /** @param v the new value with opaque semantics */
    public void setOpaque(long v) {
        VALUE.setOpaque(this, v);
    }
}
