package io.vhostdma.dma.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Statistics of one channel, readable from any thread with opaque reads.
 *
 * <p>Writers: {@code submitted}, {@code completed} and {@code errors} are written by the channel's user
 * thread (at {@code submit()} and when completions are reaped), and so is the per-domain-pair byte table
 * (as ops are handed to the engine, and back for failed ones). Each counter has a single writer, so a
 * read-modify-write with opaque accesses is exact.
 */
public final class ChannelCounters {
    /** Side of the square pair table; handles at or above {@code PAIR_SLOTS - 1} share the last slot. */
    public static final int PAIR_SLOTS = 32;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SUBMITTED = 0;
    private static final int COMPLETED = 8; // separate cache lines: the writer of each may differ
    private static final int ERRORS = 16;

    private final long[] scalars = new long[32];
    private final long[] pairBytes = new long[PAIR_SLOTS * PAIR_SLOTS];

    /**
     * @param handle a domain handle
     * @return its slot in the pair table
     */
    public static int slot(int handle) {
        return Math.min(handle, PAIR_SLOTS - 1);
    }

    /** @param n ops submitted (user thread) */
    public void addSubmitted(long n) {
        add(scalars, SUBMITTED, n);
    }

    /** @param n ops reaped (user thread) */
    public void addCompleted(long n) {
        add(scalars, COMPLETED, n);
    }

    /** @param n failed ops reaped (user thread) */
    public void addErrors(long n) {
        add(scalars, ERRORS, n);
    }

    /**
     * Adds bytes to a domain pair (user thread; negative: an op that failed).
     *
     * @param srcHandle source domain handle
     * @param dstHandle destination domain handle
     * @param bytes     bytes moved
     */
    public void addBytes(int srcHandle, int dstHandle, long bytes) {
        add(pairBytes, slot(srcHandle) * PAIR_SLOTS + slot(dstHandle), bytes);
    }


    /** @return ops submitted */
    public long submitted() {
        return (long) LONGS.getOpaque(scalars, SUBMITTED);
    }

    /** @return ops reaped */
    public long completed() {
        return (long) LONGS.getOpaque(scalars, COMPLETED);
    }

    /** @return failed ops reaped */
    public long errors() {
        return (long) LONGS.getOpaque(scalars, ERRORS);
    }


    /**
     * @param srcSlot source slot
     * @param dstSlot destination slot
     * @return bytes moved between those slots
     */
    public long bytes(int srcSlot, int dstSlot) {
        return (long) LONGS.getOpaque(pairBytes, srcSlot * PAIR_SLOTS + dstSlot);
    }

    private static void add(long[] array, int index, long n) {
        // single writer: opaque read-modify-write is exact and never torn
        LONGS.setOpaque(array, index, (long) LONGS.getOpaque(array, index) + n);
    }
}
