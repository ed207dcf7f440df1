package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.offload.OffloadHeader;

/**
 * Where the frame being moved lives, explicitly: a reused value that travels down the path (take → decide →
 * deliver) instead of "current frame" fields kept between calls. Kinds:
 * <ul>
 *   <li>{@link #TX_CHAIN}: still in the source guest's TX chain ({@link #ring}; {@link #hold} is the chain's FIFO
 *       record). A DMA copy may read it straight from guest memory inside an access group.</li>
 *   <li>{@link #STAGED}: copied by the TX ring's channel into a staging slot (registered host memory; {@link #hold}
 *       is the slot).</li>
 *   <li>{@link #INJECTED}: in a send-ring slot of the reactive API (registered host memory; {@link #hold} is the
 *       slot, whose result the sender waits for).</li>
 *   <li>{@link #HANDED_OFF}: arrived from another worker, as a reference to that worker's TX chain ({@link #ring}
 *       set) or as bytes in the hand-off slot; {@link #hold} is the hand-off slot.</li>
 * </ul>
 * A frame made for DMA outside its group gets one host copy for all its destinations ({@link #bounce}). The taker
 * fills it, holds it once, and {@link #finish}es it after delivering. Worker-local.
 */
final class FrameSource {
    static final int TX_CHAIN = 1;
    static final int STAGED = 2;
    static final int INJECTED = 3;
    static final int HANDED_OFF = 4;

    int kind;
    /** The frame's bytes (no virtio-net header), {@link #length} in total. */
    GatherList frame;
    int length;
    /** The sending port (the switch's input); null for injected and handed-off frames (already decided). */
    PortState port;
    /** The queue the frame is counted on when the switch drops it (the TX queue), or null. */
    QueueCounters counters;
    /** The queue pair the frame was taken on (the RX queue pair it goes to). */
    int queuePair;
    /** The guest TX ring whose chain holds the bytes (TX_CHAIN, a handed-off reference), or null. */
    TxRing ring;
    /** What keeps the bytes where they are; every copy that reads them retains it. */
    Hold hold;
    /** A host copy made for DMA copies that may not read the source directly, or null; {@link #bounceFrame} views it. */
    StagingPool.Slot bounce;
    final GatherList bounceFrame = new GatherList(1);
    /**
     * The offload fields of the sender's virtio-net header (validated when taken off its TX ring; cleared for
     * frames that carry none): each receiver gets them in its RX header or has the work done in software
     * ({@link RxOffload}).
     */
    final OffloadHeader offload = new OffloadHeader();
    /** Whether the frame reached a guest at once (a CPU copy) on some destination. */
    boolean delivered;

    /** The frame is in chain {@code record} of TX ring {@code r}. */
    FrameSource fromTxChain(TxRing r, TxFifo.Record record, int len) {
        set(TX_CHAIN, r.frame, len, record);
        offload.copyFrom(r.offload);
        port = r.port;
        counters = r.counters;
        queuePair = r.queuePair;
        ring = r;
        return this;
    }

    /** The frame was staged from TX ring {@code r} into {@code slot} ({@code staged} describes it). */
    FrameSource fromStaging(TxRing r, GatherList staged, int len, StagingPool.Slot slot) {
        set(STAGED, staged, len, slot);
        port = r.port;
        counters = r.counters;
        queuePair = r.queuePair;
        return this;
    }

    /** A frame made by vhostd in staging slot {@code slot} as port {@code p}'s own (SEND_RARP's announcement). */
    FrameSource fromAnnouncement(PortState p, GatherList bytes, int len, StagingPool.Slot slot) {
        set(STAGED, bytes, len, slot);
        port = p;
        counters = p.counters().tx(0);
        return this;
    }

    /** An injected frame for queue pair 0 in a send-ring slot. */
    FrameSource fromInjector(GatherList bytes, int len, Hold slot) {
        set(INJECTED, bytes, len, slot);
        return this;
    }

    /** A frame handed over by another worker (a reference to {@code source}'s chain when non-null). */
    FrameSource fromHandoff(GatherList bytes, int len, TxRing source, Hold slot) {
        set(HANDED_OFF, bytes, len, slot);
        ring = source;
        return this;
    }

    private void set(int k, GatherList bytes, int len, Hold h) {
        kind = k;
        frame = bytes;
        length = len;
        hold = h;
        port = null;
        counters = null;
        queuePair = 0;
        ring = null;
        bounce = null;
        delivered = false;
        offload.clear();
    }

    /** Whether the bytes are in registered host memory (a DMA copy may read them as they are). */
    boolean inHostMemory() {
        return kind == STAGED || kind == INJECTED;
    }

    /** The taker is done: the bounce copy and the taker's hold are released (the copies keep their own). */
    void finish(DirtyList dirty) {
        if (bounce != null) {
            bounce.release(false, dirty);
            bounce = null;
        }
        Hold h = hold;
        if (h != null) {
            hold = null;
            h.release(delivered, dirty);
        }
    }
}
