package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.offload.OffloadHeader;
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
 * <p>Offload mode ({@link #keepsOffloads}, the receiver's opt-in): a frame the guest sent with offload fields
 * (NEEDS_CSUM, a GSO type) is published as it is, its validated fields beside it ({@link #offload}), instead of
 * completed or segmented ({@code RxOffload.toTap}). A frame larger than a slot (a TSO frame of up to 64 KiB) then
 * takes a run of {@link #span} consecutive positions whose slots are contiguous: each ring has
 * {@link #MAX_SPAN} − 1 slots of spare memory after its last slot, so a run that starts near the end of the ring
 * runs on into them instead of wrapping; the positions after the first carry nothing.
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
    /** Offload mode: the most positions (slots) one frame takes, for a frame of {@code NetTx.MAX_FRAME_LENGTH}. */
    public static final int MAX_SPAN = (NetTx.MAX_FRAME_LENGTH + SLOT_BYTES - 1) / SLOT_BYTES;

    private final Arena arena = Arena.ofShared();
    private final Ring[] rings;
    private final int slots;
    /** Lending mode: single-piece frames are lent in place (the chain held) instead of copied. */
    private final boolean lends;
    /** Offload mode: frames keep their offload fields (and may span several slots) instead of being fixed up. */
    private final boolean keepsOffloads;
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
        this(queuePairs, slots, lends, false);
    }

    /**
     * @param queuePairs    the port's queue pairs (one ring each)
     * @param slots         slots per ring, a power of two (in offload mode at least {@link #MAX_SPAN})
     * @param lends         lending mode ({@link #lend})
     * @param keepsOffloads offload mode: frames keep their offload fields (see the class comment)
     */
    public PacketTap(int queuePairs, int slots, boolean lends, boolean keepsOffloads) {
        if (Integer.bitCount(slots) != 1 || (keepsOffloads && slots < MAX_SPAN)) {
            throw new IllegalArgumentException("slots must be a power of two (at least " + MAX_SPAN
                    + " when keeping offloads): slots=" + slots + " keepsOffloads=" + keepsOffloads);
        }
        this.slots = slots;
        this.rings = new Ring[queuePairs];
        long spare = keepsOffloads ? (long) (MAX_SPAN - 1) * SLOT_BYTES : 0; // a run starting near the end
        for (int q = 0; q < queuePairs; q++) {
            rings[q] = new Ring(arena.allocate((long) slots * SLOT_BYTES + spare, 64), slots, keepsOffloads);
        }
        this.lends = lends;
        this.keepsOffloads = keepsOffloads;
        if (lends) {
            openWindow();
        }
    }

    /** Whether this tap lends guest buffers ({@link #lend}) instead of copying ({@link #offer}). */
    public boolean lends() {
        return lends;
    }

    /** Whether frames keep their offload fields ({@link #offload}) instead of being completed or segmented. */
    public boolean keepsOffloads() {
        return keepsOffloads;
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
        return offer(queuePair, frame, len, null);
    }

    /**
     * Producer: {@link #offer(int, GatherList, int)} of a frame with validated offload fields {@code h} (null:
     * none), kept beside it in offload mode; there a frame larger than a slot takes a run of slots ({@link #span}).
     */
    boolean offer(int queuePair, GatherList frame, int len, OffloadHeader h) {
        Ring r = rings[queuePair];
        long t = (long) Ring.TAIL.get(r);
        // acquire: pairs with the consumer's release of head; the slots' old bytes are no longer read
        long head = (long) Ring.HEAD.getAcquire(r);
        int span = span(len);
        if (span == 0 || t + span - head > slots) {
            return false;
        }
        int slot = (int) (t & r.mask);
        frame.copyTo(r.memory, (long) slot * SLOT_BYTES); // a run goes on into the spare slots, never wraps
        r.addresses[slot] = r.memory.address() + (long) slot * SLOT_BYTES; // read in lending mode
        r.lengths[slot] = len;
        keep(r, slot, span, h);
        // release: the bytes, address, length (and fields) above are visible once the consumer sees the new tail
        Ring.TAIL.setRelease(r, t + span);
        return true;
    }

    /** Positions a frame of {@code len} bytes takes: 1, a run in offload mode, or 0 when it cannot be taken. */
    private int span(int len) {
        if (len <= SLOT_BYTES) {
            return 1;
        }
        return keepsOffloads && len <= NetTx.MAX_FRAME_LENGTH ? (len + SLOT_BYTES - 1) / SLOT_BYTES : 0;
    }

    /** Offload mode: records the run length and fields of the frame at {@code slot} (producer, before publishing). */
    private static void keep(Ring r, int slot, int span, OffloadHeader h) {
        if (r.offloads != null) {
            r.spans[slot] = span;
            if (h == null) {
                r.offloads[slot].clear();
            } else {
                r.offloads[slot].copyFrom(h);
            }
        }
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
     * stall): the caller leaves the chain in the guest's ring (back-pressure). In offload mode the frame's validated
     * offload fields {@code h} (null: none) are kept beside it, and a frame in several pieces larger than a slot is
     * copied into a run of slots ({@link #span}).
     */
    int lend(int queuePair, GatherList frame, int len, Hold chain, OffloadHeader h) {
        Ring r = rings[queuePair];
        long t = (long) Ring.TAIL.get(r);
        // acquire: pairs with the consumer's release of head (its reads of the positions before it are done); and
        // only positions whose chains were given back (reclaim) are reused, or a held chain would be overwritten
        long base = Math.min((long) Ring.HEAD.getAcquire(r), r.reclaimed);
        boolean inPlace = frame.count() == 1;
        int span = inPlace ? 1 : span(len);
        if (span == 0) {
            return TOO_BIG;
        }
        if (t + span - base > slots) {
            Ring.STALLS.setOpaque(r, r.stalls + 1); // single writer; opaque: readers see a whole value
            return FULL;
        }
        int slot = (int) (t & r.mask);
        if (inPlace) {
            r.addresses[slot] = frame.address(0);
            r.held[slot] = chain;
            chain.retain();
        } else {
            frame.copyTo(r.memory, (long) slot * SLOT_BYTES);
            r.addresses[slot] = r.memory.address() + (long) slot * SLOT_BYTES;
        }
        r.lengths[slot] = len;
        keep(r, slot, span, h);
        // release: address, length, fields (and the lent bytes' hold) are visible once the consumer sees the tail
        Ring.TAIL.setRelease(r, t + span);
        return inPlace ? LENT : COPIED;
    }

    /** Producer, lending mode: {@link #lend(int, GatherList, int, Hold, OffloadHeader)} of a frame without fields. */
    int lend(int queuePair, GatherList frame, int len, Hold chain) {
        return lend(queuePair, frame, len, chain, null);
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

    /** Consumer: the positions the frame at {@code position} takes (1 unless a run in offload mode). */
    public int span(int queuePair, long position) {
        Ring r = rings[queuePair];
        return r.spans == null ? 1 : r.spans[(int) (position & r.mask)];
    }

    /**
     * Consumer, offload mode: the validated offload fields of the frame at {@code position} (published, not yet
     * freed; the holder is the slot's, overwritten once freed); null when the tap does not keep offloads.
     */
    public OffloadHeader offload(int queuePair, long position) {
        Ring r = rings[queuePair];
        return r.offloads == null ? null : r.offloads[(int) (position & r.mask)];
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
        /** Offload mode (else null): each position's run length and offload fields, reused holders. */
        final int[] spans;
        final OffloadHeader[] offloads;
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

        Ring(MemorySegment memory, int slots, boolean keepsOffloads) {
            this.memory = memory;
            this.lengths = new int[slots];
            this.addresses = new long[slots];
            this.held = new Hold[slots];
            this.mask = slots - 1;
            this.spans = keepsOffloads ? new int[slots] : null;
            this.offloads = keepsOffloads ? new OffloadHeader[slots] : null;
            for (int i = 0; keepsOffloads && i < slots; i++) {
                offloads[i] = new OffloadHeader();
            }
        }
    }
}
