package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.RxScratch;
import io.vhostdma.vhost.virtq.SplitVirtqueue;

/**
 * The DMA enqueue path of one bound guest-RX ring (host → guest, or guest → guest in one copy): the
 * worker reserves the RX chains and writes the virtio-net header with the CPU, submits the payload as
 * copies split at every source and destination range boundary, and adds the chains to the used ring
 * only when all of the packet's copies completed, strictly in submission order. A failed copy drops
 * the packet ({@code dma_error}) and returns its chains with len 0. Worker-local.
 */
final class AsyncRx {
    /** {@link #enqueue} result: the channel has no room for the packet's copies (counted {@code dma_busy}). */
    static final int BUSY = -100;

    final CopyQueue copies;
    private final RingContext ring;
    private final int chainMask;
    private final int[] chainHeads;
    private final int[] chainLens;
    private long chainHead;
    private long chainTail;
    // per record slot
    private final int[] recChains;
    private final int[] recLength;
    private final RingContext[] recSource;
    private final int[] recSourceSlot;
    private final int[] recStaging;
    /** The injector slot the record's frame came from (reported at completion), or null / -1. */
    private final Injector[] recInjector;
    private final int[] recInjectSlot;
    private int lastRecord;

    AsyncRx(RingContext ring, CopyQueue copies) {
        this.ring = ring;
        this.copies = copies;
        int size = Integer.highestOneBit(Math.max(2, ring.queue.size()) - 1) << 1;
        this.chainMask = size - 1;
        this.chainHeads = new int[size];
        this.chainLens = new int[size];
        int records = copies.recordCapacity();
        this.recChains = new int[records];
        this.recLength = new int[records];
        this.recSource = new RingContext[records];
        this.recSourceSlot = new int[records];
        this.recStaging = new int[records];
        this.recInjector = new Injector[records];
        this.recInjectSlot = new int[records];
    }

    /**
     * Reserves chains and submits the copies of one frame.
     *
     * @param frame      the frame's bytes (guest TX buffers or a staging slot), {@code len} in total
     * @param flags      op flags (domain handles for a guest → guest copy)
     * @param source     the TX ring whose chain holds the frame (the caller accounts its reference), or null
     * @param sourceSlot that chain's {@link TxFifo} slot
     * @param staging    the staging slot holding the frame (a reference is taken), or -1
     * @return chains reserved (≥ 1), a negative {@link io.vhostdma.vhost.net.PathStatus}, or {@link #BUSY}
     */
    int enqueue(GatherList frame, int len, long flags, RingContext source, int sourceSlot, int staging,
                StagingPool pool) {
        SplitVirtqueue q = ring.queue;
        RxScratch s = ring.rxScratch;
        int n = NetRx.reserve(q, ring.device.memory(), len, ring.device.mergeable(), ring.device.headerLength(), s);
        if (n <= 0) {
            return n;
        }
        GatherList dst = s.payload();
        int ops = countCopies(frame, dst, len);
        if (!copies.fits(ops) || chainTail - chainHead + n > chainMask + 1) {
            q.rewindTo(s.mark());
            return BUSY;
        }
        submitCopies(frame, dst, len, flags);
        int rec = copies.closeRecord();
        for (int i = 0; i < n; i++) {
            int c = (int) (chainTail++ & chainMask);
            chainHeads[c] = s.head(i);
            chainLens[c] = s.length(i);
        }
        recChains[rec] = n;
        recLength[rec] = len;
        recSource[rec] = source;
        recSourceSlot[rec] = sourceSlot;
        recStaging[rec] = staging;
        lastRecord = rec;
        if (staging >= 0) {
            pool.ref(staging);
        }
        ring.counters.dmaSubmitted(ops);
        return n;
    }

    /** Tags the record just enqueued as carrying injector slot {@code slot}, reported when it completes. */
    void tagInjected(Injector injector, int slot) {
        recInjector[lastRecord] = injector;
        recInjectSlot[lastRecord] = slot;
    }

    /**
     * Completes every finished record at the head, in order: adds its chains to the used ring and
     * releases its source.
     *
     * @return records completed
     */
    int complete(Worker worker, StagingPool pool) {
        if (copies.poll(ring.counters) == 0) {
            return 0;
        }
        int done = 0;
        while (copies.headComplete()) {
            int rec = copies.headSlot();
            boolean failed = copies.headFailed();
            for (int i = 0; i < recChains[rec]; i++) {
                int c = (int) (chainHead++ & chainMask);
                if (ring.live()) {
                    ring.queue.addUsed(chainHeads[c], failed ? 0 : chainLens[c]);
                }
            }
            if (failed) {
                ring.counters.drop(DropReason.DMA_ERROR);
            } else {
                ring.counters.packet(recLength[rec]);
            }
            RingContext src = recSource[rec];
            if (src != null) {
                recSource[rec] = null;
                worker.delivery.releaseSource(src, recSourceSlot[rec]);
            }
            if (recStaging[rec] >= 0) {
                pool.unref(recStaging[rec]);
            }
            if (recInjector[rec] != null) {
                worker.reactive.injectFinished(recInjector[rec], recInjectSlot[rec], !failed);
                recInjector[rec] = null;
            }
            copies.popHead();
            done++;
        }
        worker.markDirty(ring);
        return done;
    }

    /** Copies needed to move {@code len} bytes from {@code src} to {@code dst}: one per common piece. */
    private int countCopies(GatherList src, GatherList dst, long len) {
        return ring.cursor.pieces(src, 0, dst, 0, len);
    }

    /** Enqueues one copy per common piece of {@code src} and {@code dst} over {@code len} bytes. */
    private void submitCopies(GatherList src, GatherList dst, long len, long flags) {
        GatherCursor c = ring.cursor.start(src, 0, dst, 0, len);
        for (int n; (n = c.next()) > 0; ) {
            // IOVA-as-VA: a mapped segment's address is the IOVA it was registered at
            copies.copy(c.srcSegment().address() + c.srcOffset(), c.dstSegment().address() + c.dstOffset(), n, flags);
        }
    }
}
