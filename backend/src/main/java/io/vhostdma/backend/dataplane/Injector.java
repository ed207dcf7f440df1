package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Frames an embedding program sends into one port's guest RX queue (queue pair 0): a bounded
 * single-producer/single-consumer ring of host-memory slots. The producer is one control thread (the
 * reactive API's Vert.x context); the consumer is the worker owning the port's {@code rxq0}, which takes
 * published frames at its duty cycle and enqueues them like forwarded frames (CPU copy, or one DMA copy
 * when the queue is bound: the slot memory is registered as DMA host memory with the staging pools, see
 * {@link DataPlaneImpl#stagingMemory()}). Each frame's fate is final once its copy landed and the used
 * ring was published, or it was dropped (counted on {@code rxq0} with its reason); the worker then
 * advances {@code done}, and only then may the producer reuse the slot.
 *
 * <p>Positions: {@code tail} (producer: frames published), {@code taken} (worker-local: frames taken),
 * {@code done} (worker: frames whose fate is final, a prefix; results in {@link #delivered}).
 *
 * <p>Ordering: the producer writes a slot's bytes and length, then a release store of {@code tail}; the
 * worker reads it with acquire before reading the slot. The worker writes each slot's result, then a
 * release store of {@code done} (after the used ring was published); the producer reads {@code done}
 * with acquire before reading results or overwriting slots.
 */
public final class Injector implements AutoCloseable {
    /** Largest frame a slot holds (jumbo frames up to 9 KiB plus headroom). */
    public static final int SLOT_BYTES = Handoff.SLOT_BYTES;
    /** Slots per port. */
    public static final int SLOTS = 256;
    private static final VarHandle TAIL;
    private static final VarHandle DONE;
    /** {@link #take} status: the frame's copy is still in flight; {@link #finish} follows. */
    static final int PENDING = 2;
    private static final byte OPEN = 0;
    private static final byte FINAL = 1;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(Injector.class, "tail", long.class);
            DONE = l.findVarHandle(Injector.class, "done", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate((long) SLOTS * SLOT_BYTES, 4096);
    private final int mask = SLOTS - 1;
    private final int[] lengths = new int[SLOTS];
    /** Per slot, written by the worker before its release of {@code done}: 1 delivered, 0 dropped. */
    private final byte[] results = new byte[SLOTS];
    /** Per slot, worker-local: whether the fate of the taken frame is final. */
    private final byte[] state = new byte[SLOTS];
    private final Worker consumer;
    private long producerTail; // producer-local copy of tail
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private long tail; // written by the producer
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private long done; // written by the worker
    private long taken; // worker-local
    /** Set when the port was removed and the slots freed: every frame written from then on is dropped. */
    private volatile boolean closed;
    private long doneAtClose;

    Injector(Worker consumer) {
        this.consumer = consumer;
    }

    // ---- producer (one control thread) ----

    /** Producer: slots free for writing now. */
    public int room() {
        return SLOTS - (int) (producerTail - done());
    }

    /**
     * Producer: copies {@code len} bytes at {@code src[offset]} into the next slot (call only when
     * {@link #room()} &gt; 0). A frame longer than {@link #SLOT_BYTES} is recorded by length only; the
     * worker drops it as {@code rx_too_big}.
     *
     * @return the frame's position
     */
    public long write(MemorySegment src, long offset, int len) {
        long t = producerTail++;
        int slot = (int) (t & mask);
        if (len <= SLOT_BYTES && !closed) {
            try {
                MemorySegment.copy(src, offset, memory, (long) slot * SLOT_BYTES, len);
            } catch (IllegalStateException e) {
                // the port was removed meanwhile and the slots freed: the frame is dropped (see done())
            }
        }
        lengths[slot] = len;
        return t;
    }

    /** Producer: publishes every frame written so far and wakes the worker if it sleeps. */
    public void publish() {
        // release: the slots' bytes and lengths are visible to the worker once it sees the new tail
        TAIL.setRelease(this, producerTail);
        Worker.wake(consumer);
    }

    /**
     * Producer: frames before this position have a final fate (acquire: pairs with {@link #publishDone}). Once
     * the injector is closed every frame written has one: those the worker did not take are dropped.
     */
    public long done() {
        return closed ? producerTail : (long) DONE.getAcquire(this);
    }

    /** Producer: whether the frame at {@code position} (before {@link #done()}) reached the guest. */
    public boolean delivered(long position) {
        return (!closed || position < doneAtClose) && results[(int) (position & mask)] == 1;
    }

    // ---- consumer (the worker owning rxq0) ----

    /** Worker: the next published frame's slot, or -1. */
    int peek() {
        // acquire: pairs with publish(); the slot's bytes are complete
        return (long) TAIL.getAcquire(this) == taken ? -1 : (int) (taken & mask);
    }

    int length(int slot) {
        return lengths[slot];
    }

    /** Worker: the frame in {@code slot} as a one-piece gather list. */
    void frame(int slot, int len, GatherList out) {
        out.clear();
        out.add(memory, (long) slot * SLOT_BYTES, len);
    }

    /** Worker: {@code slot} (from {@link #peek}) was taken; {@code status} 1 delivered, 0 dropped, or {@link #PENDING}. */
    void take(int slot, int status) {
        taken++;
        if (status == PENDING) {
            state[slot] = OPEN;
        } else {
            results[slot] = (byte) status;
            state[slot] = FINAL;
        }
    }

    /** Worker: the copy of a pending frame completed ({@code ok}) or failed. */
    void finish(int slot, boolean ok) {
        results[slot] = (byte) (ok ? 1 : 0);
        state[slot] = FINAL;
    }

    /** Worker, after publishing used rings: advances {@code done} over the final prefix. */
    void publishDone() {
        long d = (long) DONE.get(this);
        long start = d;
        while (d < taken && state[(int) (d & mask)] == FINAL) {
            d++;
        }
        if (d != start) {
            // release: the results above and the published used ring happen before the producer's reuse
            DONE.setRelease(this, d);
        }
    }

    /** Whether the worker has published frames to take (for its idle check). */
    boolean pending() {
        return peek() >= 0;
    }

    /** The slot memory (registered as DMA host memory). */
    public MemorySegment memory() {
        return memory;
    }

    /**
     * Frees the slots (2.5 MiB); only once no worker reads them (the workers stopped, or the port was removed
     * and a quiesce passed). A producer still sending sees every later frame dropped.
     */
    @Override
    public void close() {
        doneAtClose = (long) DONE.getAcquire(this); // final: no worker advances it any more
        closed = true;
        arena.close();
    }
}
