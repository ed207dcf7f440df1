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
 * <p>Lending mode ({@link #lend}): a frame in one guest buffer is not copied; its position carries the buffer's
 * address and the worker keeps a hold on the chain's FIFO record until the consumer frees the position
 * ({@link #reclaim}). At {@link #slots()} outstanding positions the worker stops taking chains (back-pressure,
 * counted in {@link #stalls}). The consumer reads lent frames only through {@link #window()}, a segment of a
 * shared arena that {@link #revoke} closes before any lent chain goes back early (ring stop, memory-table change,
 * disconnect, the receiver's end), so no thread reads a buffer the guest got back or memory that was unmapped.
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
    /** Lending mode: single-piece frames are lent in place (the chain held) instead of copied. */
    private final boolean lends;
    /** Lending mode: the arena every view of lent frames belongs to; replaced (the old one closed) by a revoke. */
    private Arena window;
    private volatile MemorySegment windowSegment;
    /** Lending mode: revokes so far (ring stops, memory-table changes, disconnects, the receiver's end). */
    private volatile long revokes;
    /** Wakes the consumer when it waits for frames (set before the tap is installed; null: it polls). */
    private volatile WakeSignal consumerSignal;

    /**
     * @param queuePairs the port's queue pairs (one ring each)
     * @param slots      slots per ring, a power of two
     */
    public PacketTap(int queuePairs, int slots) {
        this(queuePairs, slots, false);
    }

    /**
     * @param queuePairs the port's queue pairs (one ring each)
     * @param slots      slots per ring, a power of two: in lending mode also the most frames lent per queue pair
     * @param lends      lending mode ({@link #lend}): frames stay in the guest's buffers until released
     */
    public PacketTap(int queuePairs, int slots, boolean lends) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: slots=" + slots);
        }
        this.slots = slots;
        this.rings = new Ring[queuePairs];
        for (int q = 0; q < queuePairs; q++) {
            rings[q] = new Ring(arena.allocate((long) slots * SLOT_BYTES, 64), slots);
        }
        this.lends = lends;
        if (lends) {
            openWindow();
        }
    }

    /** Whether this tap lends guest buffers ({@link #lend}) instead of copying ({@link #offer}). */
    public boolean lends() {
        return lends;
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
     * Producer (the queue pair's owning worker): copies {@code frame} into the next free slot (in lending mode
     * too: a frame the worker had to segment or checksum first is copied, not lent).
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
        r.addresses[slot] = r.memory.address() + (long) slot * SLOT_BYTES; // read in lending mode
        r.lengths[slot] = len;
        // release: the bytes, address and length above are visible to the consumer once it sees the new tail
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

    /** {@link #lend} results: lent in place, copied into its slot, bound reached (back-pressure), too big to copy. */
    static final int LENT = 0;
    static final int COPIED = 1;
    static final int FULL = 2;
    static final int TOO_BIG = 3;

    /**
     * Producer, lending mode: publishes {@code frame} at the next position. A frame in one piece is lent: the
     * consumer reads it in the guest's buffer and {@code chain} is retained until the consumer frees the position
     * (given back by {@link #reclaim}); a frame in several pieces is copied into the position's slot (the chain
     * is not held). When {@link #slots()} positions are outstanding nothing is taken ({@link #FULL}, counted as a
     * stall): the caller leaves the chain in the guest's ring (back-pressure).
     */
    int lend(int queuePair, GatherList frame, int len, Hold chain) {
        Ring r = rings[queuePair];
        long t = (long) Ring.TAIL.get(r);
        // acquire: pairs with the consumer's release of head (its reads of the positions before it are done)
        long h = (long) Ring.HEAD.getAcquire(r);
        if (t - h >= slots) {
            Ring.STALLS.setOpaque(r, r.stalls + 1); // single writer; opaque: readers see a whole value
            return FULL;
        }
        int slot = (int) (t & r.mask);
        int result;
        if (frame.count() == 1) {
            r.addresses[slot] = frame.address(0);
            r.held[slot] = chain;
            chain.retain();
            result = LENT;
        } else if (len <= SLOT_BYTES) {
            frame.copyTo(r.memory, (long) slot * SLOT_BYTES);
            r.addresses[slot] = r.memory.address() + (long) slot * SLOT_BYTES;
            result = COPIED;
        } else {
            return TOO_BIG;
        }
        r.lengths[slot] = len;
        // release: address, length (and the lent bytes' hold) are visible once the consumer sees the new tail
        Ring.TAIL.setRelease(r, t + 1);
        return result;
    }

    /** Producer: gives back the chains lent at positions the consumer freed; returns how many. */
    int reclaim(int queuePair, DirtyList dirty) {
        Ring r = rings[queuePair];
        long h = (long) Ring.HEAD.getAcquire(r); // acquire: the consumer's reads of those buffers are done
        return giveBack(r, h, dirty);
    }

    /** Producer: whether the consumer freed positions whose chains {@link #reclaim} has not given back. */
    boolean reclaimPending(int queuePair) {
        Ring r = rings[queuePair];
        return (long) Ring.HEAD.getAcquire(r) > r.reclaimed;
    }

    /** Producer: whether chains lent from this queue pair are still held. */
    boolean holding(int queuePair) {
        Ring r = rings[queuePair];
        return r.reclaimed < (long) Ring.TAIL.get(r);
    }

    /**
     * Producer, when the queue pair's TX ring stops (GET_VRING_BASE, a memory-table change or a disconnect
     * detach it first) or the tap was removed: every view of lent frames is invalidated first ({@link #revoke}),
     * then every chain still lent from this queue pair goes back to the guest. Returns how many.
     */
    int revokeAll(int queuePair, DirtyList dirty) {
        Ring r = rings[queuePair];
        long t = (long) Ring.TAIL.get(r);
        if (r.reclaimed >= t) {
            return 0;
        }
        Ring.REVOKED.setRelease(r, t); // before the new window: a consumer holding it skips these positions
        revoke();
        int n = giveBack(r, t, dirty);
        signalConsumer(); // it frees the invalidated positions (the worker has given their chains back)
        return n;
    }

    private static int giveBack(Ring r, long upTo, DirtyList dirty) {
        int n = 0;
        for (; r.reclaimed < upTo; r.reclaimed++) {
            int slot = (int) (r.reclaimed & r.mask);
            Hold chain = r.held[slot];
            if (chain != null) {
                r.held[slot] = null;
                chain.release(false, dirty);
                n++;
            }
        }
        return n;
    }

    /**
     * Lending mode, any thread: closes the arena every current view of lent (and slot-copied) frames belongs to,
     * so no thread can read them any more (a shared arena's close waits until no thread is inside an access),
     * and opens a new one for later frames. Counted in {@link #revokes()}.
     */
    public synchronized void revoke() {
        if (window == null) {
            return; // closed for good
        }
        Arena old = window;
        openWindow();
        closeArena(old);
        revokes++;
    }

    /** Consumer: a segment spanning the address space, scoped to the current lending arena (absolute addresses). */
    public MemorySegment window() {
        return windowSegment;
    }

    /**
     * Consumer, after reading {@link #window()}: positions before this were revoked (their chains went back); they
     * must not be read through the window.
     */
    public long revokedUpTo(int queuePair) {
        return (long) Ring.REVOKED.getAcquire(rings[queuePair]);
    }

    /** Revokes so far: a consumer that sees this change frees the positions it had (their chains went back). */
    public long revokes() {
        return revokes;
    }

    /** Bursts the lending bound stopped on {@code queuePair} (back-pressure on the guest's TX ring). */
    public long stalls(int queuePair) {
        return (long) Ring.STALLS.getOpaque(rings[queuePair]);
    }

    private void openWindow() {
        window = Arena.ofShared();
        windowSegment = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, window, null);
    }

    private static void closeArena(Arena a) {
        while (true) {
            try {
                a.close();
                return;
            } catch (IllegalStateException e) {
                Thread.onSpinWait(); // an access in progress on another thread: it ends shortly
            }
        }
    }

    /** Consumer: the position after the last published frame (acquire: pairs with {@link #offer}'s release). */
    public long published(int queuePair) {
        return (long) Ring.TAIL.getAcquire(rings[queuePair]);
    }

    /** Consumer: the address of the bytes of the frame at {@code position} (published, not yet freed). */
    public long address(int queuePair, long position) {
        Ring r = rings[queuePair];
        return lends ? r.addresses[(int) (position & r.mask)] : r.memory.address() + (position & r.mask) * SLOT_BYTES;
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
        synchronized (this) {
            if (window != null) {
                closeArena(window); // no view of the slots outlives them
                window = null;
            }
        }
        arena.close();
    }

    /** One queue pair's ring; head and tail on separate cache lines. */
    private static final class Ring {
        static final VarHandle HEAD;
        static final VarHandle TAIL;
        static final VarHandle STALLS;
        static final VarHandle REVOKED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HEAD = l.findVarHandle(Ring.class, "head", long.class);
                TAIL = l.findVarHandle(Ring.class, "tail", long.class);
                STALLS = l.findVarHandle(Ring.class, "stalls", long.class);
                REVOKED = l.findVarHandle(Ring.class, "revoked", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final MemorySegment memory;
        final int[] lengths;
        /** Lending mode: each position's frame address (guest buffer or slot). */
        final long[] addresses;
        /** Lending mode, producer-local: the chain each lent position holds, or null. */
        final Hold[] held;
        final int mask;
        /** Producer-local: positions before this had their chains given back. */
        long reclaimed;
        private long stalls;
        private long revoked;
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;
        private long head; // written by the consumer
        @SuppressWarnings("unused")
        private long q1, q2, q3, q4, q5, q6, q7;
        private long tail; // written by the producer

        Ring(MemorySegment memory, int slots) {
            this.memory = memory;
            this.lengths = new int[slots];
            this.addresses = new long[slots];
            this.held = new Hold[slots];
            this.mask = slots - 1;
        }
    }
}
