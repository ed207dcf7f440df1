package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;

/**
 * Frames one worker hands to another whose RX ring it does not own: a fixed set of {@link Slot}s that circulate
 * through two single-producer/single-consumer queues (JCTools' padded, VarHandle-based array queue). The giving
 * worker fills a free slot — a <em>reference</em> to its TX chain (up to {@link #MAX_PIECES} source ranges; the
 * chain's record gains a hold) or the frame's bytes in the slot's host buffer — and {@link #send}s it; the owner
 * delivers it and, once nothing reads it any more (its copies completed), gives it back; the giver then releases
 * the chain's hold and reuses the slot. So references out to a worker are bounded by the slot count, and the
 * owner copies straight from the giver's guest memory (one copy across workers too).
 *
 * <p>Ordering: a slot's fields are written by one side before it is offered and read by the other after it is
 * polled; the queue's offer is a release store of the element (and of the producer index) and its poll an acquire
 * load, in both directions. The receiver wakes a sleeping giver, and the giver a sleeping receiver
 * ({@link Wakeup}).
 */
final class HandoffLink implements AutoCloseable {
    /** Largest frame copied into a slot (jumbo frames up to 9 KiB plus headroom). */
    static final int SLOT_BYTES = StagingPool.SLOT_BYTES;
    /**
     * Most source ranges a reference carries (more: the frame's bytes are copied instead): a Linux TSO frame is a
     * header, its linear part and up to 17 page fragments, and is too big to copy into a slot.
     */
    static final int MAX_PIECES = 20;

    final Worker giver;
    final Worker receiver;
    private final Arena arena = Arena.ofShared();
    private final SpscVarHandleArrayQueue<Slot> sent;
    private final SpscVarHandleArrayQueue<Slot> returned;
    /** The giver's free slots. */
    private final Slot[] free;
    private int freeCount;

    HandoffLink(Worker giver, Worker receiver, int slots) {
        this.giver = giver;
        this.receiver = receiver;
        this.sent = new SpscVarHandleArrayQueue<>(slots);
        this.returned = new SpscVarHandleArrayQueue<>(slots);
        MemorySegment buffers = arena.allocate((long) slots * SLOT_BYTES, 64);
        this.free = new Slot[slots];
        for (int i = 0; i < slots; i++) {
            free[i] = new Slot(buffers, (long) i * SLOT_BYTES);
        }
        this.freeCount = slots;
    }

    // ---- the giver ----

    /** Giver: a free slot, or null when every slot is out (the frame is dropped as {@code handoff_full}). */
    Slot claim(DirtyList dirty) {
        if (freeCount == 0) {
            drainReturned(dirty);
        }
        return freeCount == 0 ? null : free[--freeCount];
    }

    /** Giver: publishes a filled slot and wakes the receiver if it sleeps. */
    void send(Slot s) {
        sent.offer(s); // never full: no more slots exist than it holds
        receiver.wakeup.wake();
    }

    /** Giver: takes back the slots the receiver is done with, releasing their chains' holds; returns how many. */
    int drainReturned(DirtyList dirty) {
        int n = 0;
        Slot s;
        while ((s = returned.poll()) != null) {
            if (s.record != null) {
                s.record.release(true, dirty);
                s.record = null;
                s.source = null;
                s.frame.forget();
            }
            free[freeCount++] = s;
            n++;
        }
        return n;
    }

    /** Whether the receiver gave slots back (for the giver's idle check). */
    boolean returnsPending() {
        return !returned.isEmpty();
    }

    // ---- the receiver ----

    /** Receiver: the next slot sent, held once by the receiver, or null. */
    Slot poll() {
        Slot s = sent.poll();
        if (s != null) {
            s.holds = 1;
        }
        return s;
    }

    /** Whether slots wait for the receiver (for its idle check). */
    boolean pending() {
        return !sent.isEmpty();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** One frame crossing workers. Filled by the giver, held and released by the receiver. */
    final class Slot extends Hold {
        private final MemorySegment buffers;
        private final long offset;
        /** The frame: the referenced source ranges, or the slot's buffer. */
        final GatherList frame = new GatherList(MAX_PIECES);
        int length;
        int port;
        int queuePair;
        /** The frame's offload fields (the sender's validated TX header). */
        final OffloadHeader offload = new OffloadHeader();
        /** A reference: the giver's TX ring and the chain's record; null for a byte copy. */
        TxRing source;
        TxFifo.Record record;
        Slot(MemorySegment buffers, long offset) {
            this.buffers = buffers;
            this.offset = offset;
        }

        /** Giver: a reference to the frame in TX ring {@code ring}'s chain {@code rec} (which gains a hold). */
        void reference(GatherList bytes, int len, TxRing ring, TxFifo.Record rec) {
            frame.clear();
            for (int i = 0; i < bytes.count(); i++) {
                frame.add(bytes.segment(i), bytes.offset(i), bytes.length(i));
            }
            length = len;
            source = ring;
            record = rec;
            rec.retain();
        }

        /** Giver: the frame's bytes, copied into the slot's buffer ({@code len} ≤ {@link #SLOT_BYTES}). */
        void copy(GatherList bytes, int len) {
            bytes.copyTo(buffers, offset);
            frame.set(buffers, offset, len);
            length = len;
            source = null;
            record = null;
        }

        /** Giver: the destination, port {@code id}'s RX queue of queue pair {@code qp}. */
        void to(int id, int qp) {
            port = id;
            queuePair = qp;
        }

        /** Receiver-local holds (the receiver's claim plus its copies reading the frame); then back to the giver. */
        @Override
        void lastReleased(DirtyList dirty) {
            returned.offer(this); // back to the giver, who releases the chain and reuses the slot
            giver.wakeup.wake();
        }
    }
}
