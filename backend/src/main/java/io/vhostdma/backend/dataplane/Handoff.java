package io.vhostdma.backend.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer/single-consumer queue of frames from one worker to another, for frames whose
 * destination RX ring the producer does not own. Each slot is a host buffer of {@link #SLOT_BYTES}.
 *
 * <p>Ordering: the producer writes the slot's bytes, length and destination, then publishes with a
 * release store of {@code tail}; the consumer reads {@code tail} with acquire before touching the
 * slot, and frees it with a release store of {@code head}, which the producer reads with acquire
 * before reusing the slot.
 */
final class Handoff {
    /** Largest frame that can cross workers (jumbo frames up to 9 KiB plus headroom). */
    static final int SLOT_BYTES = 10 * 1024;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Handoff.class, "head", long.class);
            TAIL = l.findVarHandle(Handoff.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffers;
    private final int[] lengths;
    private final int[] ports;
    private final int[] queuePairs;
    private final int mask;
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private long head; // consumer-owned
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private long tail; // producer-owned

    Handoff(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: slots=" + slots);
        }
        this.buffers = arena.allocate((long) slots * SLOT_BYTES, 64);
        this.lengths = new int[slots];
        this.ports = new int[slots];
        this.queuePairs = new int[slots];
        this.mask = slots - 1;
    }

    /** Producer: a free slot index, or -1 when full. */
    int claim() {
        long t = (long) TAIL.get(this);
        long h = (long) HEAD.getAcquire(this);
        return t - h > mask ? -1 : (int) (t & mask);
    }

    MemorySegment buffers() {
        return buffers;
    }

    static long slotOffset(int slot) {
        return (long) slot * SLOT_BYTES;
    }

    /** Producer: publishes the claimed slot. */
    void publish(int slot, int length, int port, int queuePair) {
        lengths[slot] = length;
        ports[slot] = port;
        queuePairs[slot] = queuePair;
        TAIL.setRelease(this, (long) TAIL.get(this) + 1);
    }

    /** Consumer: the next filled slot, or -1 when empty. */
    int peek() {
        long h = (long) HEAD.get(this);
        return (long) TAIL.getAcquire(this) == h ? -1 : (int) (h & mask);
    }

    int length(int slot) {
        return lengths[slot];
    }

    int port(int slot) {
        return ports[slot];
    }

    int queuePair(int slot) {
        return queuePairs[slot];
    }

    /** Consumer: frees the slot returned by {@link #peek()}. */
    void release() {
        HEAD.setRelease(this, (long) HEAD.get(this) + 1);
    }

    void close() {
        arena.close();
    }
}
