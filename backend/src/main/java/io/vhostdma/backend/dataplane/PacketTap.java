package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Takes a port's guest TX frames off the switch for a reactive receiver: one bounded
 * single-producer/single-consumer ring of fixed slots per queue pair. The producer is the worker owning
 * that queue pair's TX ring: it copies each frame (CPU copy, no allocation) into the slot at
 * {@code tail}, or, when the ring is full or the frame is larger than {@link #SLOT_BYTES}, refuses it (the
 * worker counts a {@code receiver_full} drop). The consumer is one control thread (the reactive API's
 * Vert.x context): it reads published slots and frees them, in order, when its receiver is done with them.
 * Memory is fixed at creation whatever the consumer does.
 *
 * <p>Ordering: the producer writes the slot's bytes and length, then publishes with a release store of
 * {@code tail}; the consumer reads {@code tail} with acquire before reading a slot. The consumer frees
 * slots with a release store of {@code head}; the producer reads it with acquire before reusing a slot.
 *
 * <p>Life cycle: created by the consumer, installed with {@link PortState#installTap}, removed with
 * {@link PortState#removeTap}; {@link #close()} only after every worker passed a quiescent point since the
 * removal ({@link DataPlaneImpl#quiesce()}), so no worker still writes into it.
 */
public final class PacketTap implements AutoCloseable {
    /** Largest frame a slot holds (jumbo frames up to 9 KiB plus headroom). */
    public static final int SLOT_BYTES = StagingPool.SLOT_BYTES;

    private final Arena arena = Arena.ofShared();
    private final Ring[] rings;
    private final int slots;
    /** Wakes the consumer when it waits for frames (set before the tap is installed; null: it polls). */
    private volatile WakeSignal consumerSignal;

    /**
     * @param queuePairs the port's queue pairs (one ring each)
     * @param slots      slots per ring, a power of two
     */
    public PacketTap(int queuePairs, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: slots=" + slots);
        }
        this.slots = slots;
        this.rings = new Ring[queuePairs];
        for (int q = 0; q < queuePairs; q++) {
            rings[q] = new Ring(arena.allocate((long) slots * SLOT_BYTES, 64), slots);
        }
    }

    /** Rings (= queue pairs). */
    public int queuePairs() {
        return rings.length;
    }

    /** Slots per ring. */
    public int slots() {
        return slots;
    }

    /**
     * Producer (the queue pair's owning worker): copies {@code frame} into the next free slot.
     *
     * @return false when the ring is full or the frame does not fit a slot (the caller counts the drop)
     */
    boolean offer(int queuePair, GatherList frame, int len) {
        Ring r = rings[queuePair];
        long t = (long) Ring.TAIL.get(r);
        // acquire: pairs with the consumer's release of head; the slot's old bytes are no longer read
        long h = (long) Ring.HEAD.getAcquire(r);
        if (len > SLOT_BYTES || t - h >= slots) {
            return false;
        }
        int slot = (int) (t & r.mask);
        frame.copyTo(r.memory, (long) slot * SLOT_BYTES);
        r.lengths[slot] = len;
        // release: the bytes and length above are visible to the consumer once it sees the new tail
        Ring.TAIL.setRelease(r, t + 1);
        return true;
    }

    /** Consumer, before installing the tap: the signal workers raise after a burst that published frames. */
    public void signalWith(WakeSignal s) {
        consumerSignal = s;
    }

    /** Producer, once per burst that published frames: wakes the consumer if it waits (allocation-free). */
    void signalConsumer() {
        WakeSignal s = consumerSignal;
        if (s != null) {
            s.signal();
        }
    }

    /** Consumer: the position after the last published frame (acquire: pairs with {@link #offer}'s release). */
    public long published(int queuePair) {
        return (long) Ring.TAIL.getAcquire(rings[queuePair]);
    }

    /** Consumer: the address of the bytes of the frame at {@code position} (published, not yet freed). */
    public long address(int queuePair, long position) {
        Ring r = rings[queuePair];
        return r.memory.address() + (position & r.mask) * SLOT_BYTES;
    }

    /** Consumer: the length of the frame at {@code position} (published, not yet freed). */
    public int length(int queuePair, long position) {
        Ring r = rings[queuePair];
        return r.lengths[(int) (position & r.mask)];
    }

    /** Consumer: the ring memory (for tests and bounds checks). */
    public MemorySegment memory(int queuePair) {
        return rings[queuePair].memory;
    }

    /** Consumer: frees every slot before {@code position} for the producer. */
    public void releaseUpTo(int queuePair, long position) {
        // release: our reads of the freed slots happen before the producer may overwrite them
        Ring.HEAD.setRelease(rings[queuePair], position);
    }

    /** Frees the slots' memory; only once no worker can see the tap any more (see the class comment). */
    @Override
    public void close() {
        arena.close();
    }

    /** One queue pair's ring; head and tail on separate cache lines. */
    private static final class Ring {
        static final VarHandle HEAD;
        static final VarHandle TAIL;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HEAD = l.findVarHandle(Ring.class, "head", long.class);
                TAIL = l.findVarHandle(Ring.class, "tail", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final MemorySegment memory;
        final int[] lengths;
        final int mask;
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;
        private long head; // written by the consumer
        @SuppressWarnings("unused")
        private long q1, q2, q3, q4, q5, q6, q7;
        private long tail; // written by the producer

        Ring(MemorySegment memory, int slots) {
            this.memory = memory;
            this.lengths = new int[slots];
            this.mask = slots - 1;
        }
    }
}
