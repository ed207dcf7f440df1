package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.sg.GatherList;

/**
 * The DMA dequeue path of one bound guest-TX ring for frames that must land in host memory first
 * ({@code forwarding: sink}, or a port in the default segment, where a DMA op may not join two guests):
 * each frame is copied by the ring's channel into a {@link StagingPool} slot; once that copy completed
 * (in order) the staged frame is forwarded from host memory and the TX chain can be returned. A failed
 * staging copy drops the frame ({@code dma_error}) and returns its chain. Worker-local.
 */
final class AsyncTx {
    final CopyQueue copies;
    private final RingContext ring;
    private final GatherList staged = new GatherList(1);
    private final int[] recFifoSlot;
    private final int[] recStaging;
    private final int[] recLength;

    AsyncTx(RingContext ring, CopyQueue copies) {
        this.ring = ring;
        this.copies = copies;
        int records = copies.recordCapacity();
        recFifoSlot = new int[records];
        recStaging = new int[records];
        recLength = new int[records];
    }

    /** Whether one more frame could be staged now (a free slot and channel room): checked before a pop. */
    boolean ready(StagingPool pool) {
        return pool.freeSlots() > 0 && copies.fits(1);
    }

    /** Whether {@code frame} can be staged now: it fits a slot and its copies fit the channel. */
    boolean canStage(GatherList frame, StagingPool pool) {
        return pool.freeSlots() > 0 && copies.fits(frame.count());
    }

    /** Submits the staging copies of one frame ({@link #canStage} was true) into a fresh slot. */
    void stage(GatherList frame, int len, int fifoSlot, StagingPool pool) {
        int slot = pool.take();
        long dst = pool.iova(slot);
        for (int i = 0; i < frame.count(); i++) {
            copies.copy(frame.segment(i).address() + frame.offset(i), dst, frame.length(i), 0L);
            dst += frame.length(i);
        }
        int rec = copies.closeRecord();
        recFifoSlot[rec] = fifoSlot;
        recStaging[rec] = slot;
        recLength[rec] = len;
        ring.fifo.staging(fifoSlot, true);
        ring.counters.dmaSubmitted(frame.count());
    }

    /**
     * Handles every finished staging record in order: forwards the staged frame (unless sinking) and
     * lets the TX chain go.
     *
     * @return frames completed
     */
    int complete(Worker worker, StagingPool pool, boolean sink) {
        if (copies.poll(ring.counters) == 0) {
            return 0;
        }
        int done = 0;
        while (copies.headComplete()) {
            int rec = copies.headSlot();
            int slot = recStaging[rec];
            int len = recLength[rec];
            if (copies.headFailed()) {
                ring.counters.drop(DropReason.DMA_ERROR);
            } else {
                ring.counters.packet(len);
                if (!sink) {
                    staged.clear();
                    staged.add(pool.memory(), StagingPool.offset(slot), len);
                    worker.delivery.forwardStaged(ring, staged, len, slot);
                }
            }
            pool.unref(slot);
            ring.fifo.staging(recFifoSlot[rec], false);
            copies.popHead();
            done++;
        }
        worker.retireTx(ring);
        return done;
    }
}
