package io.vhostdma.backend.dataplane;

import java.lang.foreign.Arena;
import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer/single-consumer queue of frames from one worker to another, for frames whose
 * destination RX ring the producer does not own. A slot carries either the frame's bytes (a host
 * buffer of {@link #SLOT_BYTES}) or, for a frame still in a guest TX chain, a <em>reference</em>: the
 * chain's source ranges (up to {@link #MAX_PIECES}) plus the TX ring and FIFO record holding it. The
 * producer took a reference on that record; the consumer copies straight from guest memory (CPU, or one
 * DMA copy inside an access group) and gives the reference back through {@link Returns}.
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
    /** Most source ranges a reference slot carries (more: the frame's bytes are copied instead). */
    static final int MAX_PIECES = 4;
    private final int[] pieces;
    private final MemorySegment[] pieceSegment;
    private final long[] pieceOffset;
    private final int[] pieceLength;
    private final RingContext[] source;
    private final int[] sourceRecord;
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
        this.pieces = new int[slots];
        this.pieceSegment = new MemorySegment[slots * MAX_PIECES];
        this.pieceOffset = new long[slots * MAX_PIECES];
        this.pieceLength = new int[slots * MAX_PIECES];
        this.source = new RingContext[slots];
        this.sourceRecord = new int[slots];
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
        pieces[slot] = 0;
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

    /**
     * Producer: publishes the claimed slot as a reference to {@code frame} ({@code frame.count()} ≤
     * {@link #MAX_PIECES}) held by record {@code record} of the TX ring {@code ring}.
     */
    void publishRef(int slot, GatherList frame, int length, int port, int queuePair, RingContext ring, int record) {
        int base = slot * MAX_PIECES;
        for (int i = 0; i < frame.count(); i++) {
            pieceSegment[base + i] = frame.segment(i);
            pieceOffset[base + i] = frame.offset(i);
            pieceLength[base + i] = frame.length(i);
        }
        pieces[slot] = frame.count();
        source[slot] = ring;
        sourceRecord[slot] = record;
        lengths[slot] = length;
        ports[slot] = port;
        queuePairs[slot] = queuePair;
        TAIL.setRelease(this, (long) TAIL.get(this) + 1);
    }

    /** Consumer: whether the slot is a reference (else its bytes are in {@link #buffers()}). */
    boolean isRef(int slot) {
        return pieces[slot] > 0;
    }

    /** Consumer: the referenced source ranges of a reference slot, into {@code out}. */
    void pieces(int slot, GatherList out) {
        out.clear();
        int base = slot * MAX_PIECES;
        for (int i = 0; i < pieces[slot]; i++) {
            out.add(pieceSegment[base + i], pieceOffset[base + i], pieceLength[base + i]);
        }
    }

    RingContext source(int slot) {
        return source[slot];
    }

    int sourceRecord(int slot) {
        return sourceRecord[slot];
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
        int slot = (int) ((long) HEAD.get(this) & mask);
        source[slot] = null; // plain: ordered before the producer's reuse by the release store below
        for (int i = 0; i < pieces[slot]; i++) {
            pieceSegment[slot * MAX_PIECES + i] = null;
        }
        HEAD.setRelease(this, (long) HEAD.get(this) + 1);
    }

    void close() {
        arena.close();
    }
}
