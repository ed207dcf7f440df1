package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;

/**
 * Frames an embedding program sends into one port's guest RX queue (queue pair 0): {@link #SLOTS} slots of
 * registered host memory that circulate between one producer (the reactive API's context) and the worker owning the
 * port's {@code rxq0} (worker 0) through two single-producer/single-consumer queues (JCTools, as the hand-offs
 * between workers). The producer copies a frame into a free slot and publishes it; the worker enqueues it like a
 * forwarded frame (CPU copy, or one DMA copy straight out of the slot: the slot memory is registered as DMA host
 * memory with the staging pools, see {@link DataPlaneImpl#stagingMemory()}) and gives the slot back, with the
 * frame's result, once its fate is final — its copy landed and the used ring was published, or it was dropped
 * (counted on {@code rxq0} with its reason). Only then may the producer reuse the slot. A frame larger than a slot
 * (a GSO frame of up to 64 KiB, e.g. one a receiver got with its offload fields and sends on) takes one of
 * {@link #BIG_SLOTS} big slots instead, after the others in the same registered memory.
 *
 * <p>Positions: every frame written gets the next position; {@link #done()} is the prefix of positions whose result
 * is known ({@link #delivered}). Results come back in any order (a dropped frame may overtake one whose copy is in
 * flight); the prefix is kept by the producer.
 *
 * <p>Ordering: the producer writes a slot's bytes, length and position before offering it (a release store); the
 * worker reads them after its poll (an acquire load), and writes the result before offering the slot back, which
 * the producer polls before reading the result.
 */
public final class Injector implements AutoCloseable {
    /** Largest frame a slot holds (jumbo frames up to 9 KiB plus headroom). */
    public static final int SLOT_BYTES = StagingPool.SLOT_BYTES;
    /** Slots per port. */
    public static final int SLOTS = 256;
    /** Slots for frames larger than {@link #SLOT_BYTES}, up to {@link #MAX_FRAME}. */
    public static final int BIG_SLOTS = 4;
    /** Largest frame sent: 64 KiB of IP packet plus an Ethernet header and one VLAN tag. */
    public static final int MAX_FRAME = NetTx.MAX_FRAME_LENGTH;
    private static final int BIG_SLOT_BYTES = (MAX_FRAME + 4095) & ~4095;
    /** Every slot, big ones included. */
    public static final int ALL_SLOTS = SLOTS + BIG_SLOTS;
    /** Results kept by position: a power of two, at least twice {@link #ALL_SLOTS}. */
    private static final int RESULTS = Integer.highestOneBit(ALL_SLOTS - 1) * 4;
    private static final byte UNKNOWN = 0;
    private static final byte DELIVERED = 1;
    private static final byte DROPPED = 2;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate((long) SLOTS * SLOT_BYTES + (long) BIG_SLOTS * BIG_SLOT_BYTES,
            4096);
    private final SpscVarHandleArrayQueue<Slot> sent = new SpscVarHandleArrayQueue<>(ALL_SLOTS);
    private final SpscVarHandleArrayQueue<Slot> returned = new SpscVarHandleArrayQueue<>(ALL_SLOTS);
    private final Worker consumer;
    // producer-local
    private final Slot[] free = new Slot[SLOTS];
    private int freeCount;
    private final Slot[] bigFree = new Slot[BIG_SLOTS];
    private int bigFreeCount;
    private final Slot[] written = new Slot[ALL_SLOTS];
    private int writtenCount;
    /** Results by position (twice the slots: a position's result is read before its slot can carry another). */
    private final byte[] results = new byte[RESULTS];
    private long next;
    private long done;
    /** Set when the port was removed and the slots freed: every frame written from then on is dropped. */
    private volatile boolean closed;
    /** Wakes the producer when it waits for results or room (null: it polls). */
    private volatile WakeSignal producerSignal;

    Injector(Worker consumer) {
        this.consumer = consumer;
        for (int i = 0; i < SLOTS; i++) {
            free[i] = new Slot((long) i * SLOT_BYTES, SLOT_BYTES);
        }
        freeCount = SLOTS;
        for (int i = 0; i < BIG_SLOTS; i++) {
            bigFree[i] = new Slot((long) SLOTS * SLOT_BYTES + (long) i * BIG_SLOT_BYTES, MAX_FRAME);
        }
        bigFreeCount = BIG_SLOTS;
    }

    // ---- producer (one control thread) ----

    /** Producer: slots free for writing now. */
    public int room() {
        if (closed) {
            return SLOTS; // nothing is copied any more: every frame written is dropped at once
        }
        reclaim();
        return freeCount;
    }

    /**
     * Producer, after {@link #room()}: whether a frame of {@code len} bytes can be written now (a frame over
     * {@link #SLOT_BYTES} needs a free big slot).
     */
    public boolean fits(int len) {
        return closed || (big(len) ? bigFreeCount > 0 : freeCount > 0);
    }

    private static boolean big(int len) {
        return len > SLOT_BYTES && len <= MAX_FRAME;
    }

    /**
     * Producer: copies {@code len} bytes at {@code src[offset]} into a free slot (call only when {@link #fits}); a
     * frame over {@link #SLOT_BYTES} into a big slot. A frame longer than {@link #MAX_FRAME} is recorded by length
     * only; the worker drops it as {@code rx_too_big}.
     *
     * @return the frame's position
     */
    public long write(MemorySegment src, long offset, int len) {
        return write(src, offset, len, null);
    }

    /**
     * Producer: {@link #write(MemorySegment, long, int)} with virtio-net offload fields {@code offload} (copied;
     * null: none), validated by the worker like a guest's TX header.
     */
    public long write(MemorySegment src, long offset, int len, OffloadHeader offload) {
        if (!src.scope().isAlive()) {
            throw new IllegalStateException("frame source closed: its bytes can no longer be read"); // no position
        }
        long position = next++;
        results[index(position)] = UNKNOWN;
        if (closed) {
            return position; // dropped: see done()
        }
        Slot s = big(len) ? bigFree[--bigFreeCount] : free[--freeCount];
        s.position = position;
        s.length = len;
        if (offload == null) {
            s.offload.clear();
        } else {
            s.offload.copyFrom(offload);
        }
        if (len <= s.capacity) {
            try {
                MemorySegment.copy(src, offset, memory, s.offset, len);
            } catch (IllegalStateException e) {
                // the port was removed meanwhile and the slots freed: the frame is dropped (see done()); or the
                // source was closed during the copy (a lent batch invalidated): the frame must not go out
                if (!src.scope().isAlive()) {
                    s.length = MAX_FRAME + 1; // dropped by the worker as too big: its stale bytes never reach a guest
                }
            }
        }
        written[writtenCount++] = s;
        return position;
    }

    /** Producer: publishes every frame written so far and wakes the worker if it sleeps. */
    public void publish() {
        for (int i = 0; i < writtenCount; i++) {
            sent.offer(written[i]); // never full: no more slots exist than it holds
            written[i] = null;
        }
        writtenCount = 0;
        consumer.wakeup.wake();
    }

    /** Producer: the signal the worker raises after giving slots back (results, room). */
    public void signalWith(WakeSignal s) {
        producerSignal = s;
    }

    /** Producer: whether the worker gave slots back that {@link #done()} has not taken yet. */
    public boolean returnsPending() {
        return !returned.isEmpty();
    }

    /** Producer: frames before this position have a final fate ({@link #delivered}). */
    public long done() {
        if (closed) {
            return next; // every frame is final: those whose result never came back were dropped
        }
        reclaim();
        while (done < next && results[index(done)] != UNKNOWN) {
            done++;
        }
        return done;
    }

    /** Producer: whether the frame at {@code position} (before {@link #done()}) reached the guest. */
    public boolean delivered(long position) {
        return results[index(position)] == DELIVERED;
    }

    /** Producer: takes back the slots the worker is done with and records their results. */
    private void reclaim() {
        Slot s;
        while ((s = returned.poll()) != null) {
            results[index(s.position)] = s.delivered ? DELIVERED : DROPPED;
            if (s.capacity > SLOT_BYTES) {
                bigFree[bigFreeCount++] = s;
            } else {
                free[freeCount++] = s;
            }
        }
    }

    private static int index(long position) {
        return (int) (position & (RESULTS - 1));
    }

    /** The slot memory (registered as DMA host memory). */
    public MemorySegment memory() {
        return memory;
    }

    // ---- consumer (the worker owning rxq0) ----

    /** Worker: the next published frame's slot, held once by the worker, or null. */
    Slot poll() {
        Slot s = sent.poll();
        if (s != null) {
            s.holds = 1;
            s.delivered = false;
            s.frame.set(memory, s.offset, Math.max(1, Math.min(s.length, s.capacity)));
        }
        return s;
    }

    /** Whether the worker has published frames to take (for its idle check). */
    boolean pending() {
        return !sent.isEmpty();
    }

    /**
     * Frees the slots (2.8 MiB); only once no worker reads them (the workers stopped, or the port was removed
     * and a quiesce passed). A producer still sending sees every later frame dropped.
     */
    @Override
    public void close() {
        closed = true;
        arena.close();
    }

    /** One send-ring slot: a frame and, once the worker is done, its result. */
    final class Slot extends Hold {
        private final long offset;
        /** The most bytes the slot holds: {@link #SLOT_BYTES}, or {@link #MAX_FRAME} for a big slot. */
        private final int capacity;
        final GatherList frame = new GatherList(1);
        long position;
        int length;
        /** The frame's offload fields (written by the producer with the bytes). */
        final OffloadHeader offload = new OffloadHeader();
        /** Worker-local until given back: whether a copy of the frame landed. */
        boolean delivered;

        Slot(long offset, int capacity) {
            this.offset = offset;
            this.capacity = capacity;
        }

        @Override
        void landed() {
            delivered = true;
        }

        @Override
        void lastReleased(DirtyList dirty) {
            dirty.afterPublish(this); // given back once the used ring that shows the frame is published
        }

        /** Worker, after publishing: gives the slot and its result back to the producer. */
        void giveBack() {
            returned.offer(this);
        }

        /** Worker, after giving slots back: wakes the producer if it waits (allocation-free). */
        void signalProducer() {
            WakeSignal s = producerSignal;
            if (s != null) {
                s.signal();
            }
        }

        Injector injector() {
            return Injector.this;
        }
    }
}
