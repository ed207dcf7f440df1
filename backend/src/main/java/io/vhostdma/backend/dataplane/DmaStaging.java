package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.offload.OffloadHeader;

/**
 * The DMA dequeue path of one bound guest-TX ring for frames that must land in host memory first
 * ({@code forwarding: sink}, or a port in the default segment, where a DMA op may not join two guests): each
 * frame is copied by the ring's channel into a {@link StagingPool} slot, the copy holding the chain's record;
 * once it completed (in order) the chain can go back to the guest and the staged frame is handed to the worker to
 * forward ({@link #next}). A failed staging copy drops the frame ({@code dma_error}). Owner-local.
 */
final class DmaStaging {
    private final TxRing ring;
    final CopyQueue copies;
    private final GatherList staged = new GatherList(1);
    private final TxFifo.Record[] recChain;
    private final StagingPool.Slot[] recSlot;
    private final int[] recLength;
    /** Each staged frame's offload fields (copied in and out: no allocation per frame). */
    private final OffloadHeader[] recOffload;

    DmaStaging(TxRing ring, CopyQueue copies) {
        this.ring = ring;
        this.copies = copies;
        int records = copies.recordCapacity();
        recChain = new TxFifo.Record[records];
        recSlot = new StagingPool.Slot[records];
        recLength = new int[records];
        recOffload = new OffloadHeader[records];
        for (int i = 0; i < records; i++) {
            recOffload[i] = new OffloadHeader();
        }
    }

    /** Whether one more frame could be staged now (a free slot and channel room): checked before a pop. */
    boolean ready(StagingPool pool) {
        return pool.freeSlots() > 0 && copies.fits(1);
    }

    /** Whether {@code frame} can be staged now: a free slot, and its copies fit the channel. */
    boolean canStage(GatherList frame, StagingPool pool) {
        return pool.freeSlots() > 0 && copies.fits(frame.count());
    }

    /**
     * Submits the staging copies of one frame ({@link #canStage} was true) into a fresh slot; they hold {@code rec}.
     * The frame's offload fields {@code offload} travel with it.
     */
    void stage(GatherList frame, int len, OffloadHeader offload, TxFifo.Record rec, StagingPool pool) {
        StagingPool.Slot slot = pool.take();
        long dst = slot.iova();
        for (int i = 0; i < frame.count(); i++) {
            copies.copy(frame.address(i), dst, frame.length(i), 0L); // IOVA-as-VA
            dst += frame.length(i);
        }
        int r = copies.closeRecord();
        rec.retain();
        recChain[r] = rec;
        recSlot[r] = slot;
        recLength[r] = len;
        recOffload[r].copyFrom(offload);
        ring.counters.dmaSubmitted(frame.count());
    }

    /** Reaps the channel's completions; returns whether any op completed. */
    boolean poll() {
        return copies.poll(ring.counters) > 0;
    }

    /**
     * The next staged frame whose copy completed, in order: true with {@code src} describing it (held once by the
     * slot: forward it, then finish it), or false. The chain goes back to the guest here; a failed copy is dropped.
     */
    boolean next(FrameSource src, DirtyList dirty) {
        while (copies.headComplete()) {
            int r = copies.headSlot();
            boolean failed = copies.headFailed();
            copies.popHead();
            StagingPool.Slot slot = recSlot[r];
            recSlot[r] = null;
            recChain[r].release(!failed, dirty); // its bytes are in the slot (or never will be)
            recChain[r] = null;
            if (failed) {
                ring.counters.drop(DropReason.DMA_ERROR);
                slot.release(false, dirty);
                continue;
            }
            int len = recLength[r];
            ring.counters.packet(len);
            staged.set(slot.memory(), slot.offset(), len);
            src.fromStaging(ring, staged, len, slot);
            src.offload.copyFrom(recOffload[r]);
            return true;
        }
        return false;
    }
}
