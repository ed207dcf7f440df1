package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.RxScratch;
import io.vhostdma.vhost.virtq.PathStatus;

/**
 * The DMA enqueue path of one bound guest-RX ring (host → guest, or guest → guest in one copy): it reserves the RX
 * chains and, once it has room for the copies, writes the virtio-net header with the CPU, submits the payload as one copy per common piece of source
 * and destination ranges, and records the packet; the record holds the frame's bytes ({@link Hold}) until its
 * copies completed, then its chains are added to the used ring strictly in submission order ({@link #complete}). A
 * failed copy drops the packet ({@code dma_error}) and returns its chains with len 0.
 *
 * <p>Where the copies read: from the source guest's TX buffers when both ports share an access group (and the
 * source memory is sealed, if the channel may touch only sealed memory: {@link SealedMemoryRule}) — the domain
 * handles travel in the op flags; from registered host memory as it is (a staging or send-ring slot); else from a
 * host copy made once per frame ({@link FrameSource#bounce}). Owner-local.
 */
final class DmaRx {
    private final RxRing ring;
    final CopyQueue copies;
    private final GatherCursor cursor = new GatherCursor();
    private final int chainMask;
    private final int[] chainIds;
    private final int[] chainLens;
    private long chainHead;
    private long chainTail;
    private final int[] recChains;
    private final int[] recLength;
    private final Hold[] recHold;

    DmaRx(RxRing ring, CopyQueue copies) {
        this.ring = ring;
        this.copies = copies;
        int size = Integer.highestOneBit(Math.max(2, ring.queue.size()) - 1) << 1;
        this.chainMask = size - 1;
        this.chainIds = new int[size];
        this.chainLens = new int[size];
        int records = copies.recordCapacity();
        this.recChains = new int[records];
        this.recLength = new int[records];
        this.recHold = new Hold[records];
    }

    /** Whether the copies may read the frame of {@code src} in the source guest's TX chain (guest to guest). */
    private boolean guestToGuest(FrameSource src) {
        TxRing s = src.ring; // the frame is in a guest's TX chain (ours, or another worker's by reference)
        return s != null && PortState.sameGroup(s.port, ring.port) && (!ring.sealedOnly || s.device.memory().fixedSize());
    }

    /** Whether {@code src}'s frame can be copied as it is: guest to guest, from host memory, or via one bounce slot. */
    boolean fits(FrameSource src) {
        return src.inHostMemory() || src.length <= StagingPool.SLOT_BYTES || guestToGuest(src);
    }

    /**
     * Reserves chains and submits the copies of {@code src}'s frame (its offload fields go into the RX header);
     * {@link PathStatus#PENDING} or a drop status.
     */
    int enqueue(FrameSource src, StagingPool pool) {
        GatherList from = src.frame;
        Hold hold = src.hold;
        long flags = 0L;
        if (!src.inHostMemory()) {
            TxRing s = src.ring;
            if (guestToGuest(src)) {
                flags = OpFlags.withHandles(0L, s.port.domainHandle(), ring.port.domainHandle());
            } else if (!bounce(src, pool)) {
                return PathStatus.NO_HOST_BUFFER;
            } else {
                from = src.bounceFrame;
                hold = src.bounce;
            }
        }
        int len = src.length;
        RxScratch s = ring.scratch;
        int n = NetRx.reserve(ring.queue, ring.device.memory(), len, ring.device.mergeable(),
                ring.device.headerLength(), s, src.offload.plain() ? null : src.offload);
        if (n <= 0) {
            return n;
        }
        GatherList dst = s.payload();
        int ops = cursor.pieces(from, 0, dst, 0, len);
        if (!copies.fits(ops) || chainTail - chainHead + n > chainMask + 1) {
            ring.queue.rewindTo(s.mark());
            return PathStatus.DMA_BUSY;
        }
        NetRx.writeHeader(ring.device.headerLength(), n, s); // only now: a rewind above left guest memory as it was
        cursor.start(from, 0, dst, 0, len);
        for (int k; (k = cursor.next()) > 0; ) {
            // IOVA-as-VA: a mapped segment's address is the IOVA it was registered at
            copies.copy(cursor.srcSegment().address() + cursor.srcOffset(),
                    cursor.dstSegment().address() + cursor.dstOffset(), k, flags);
        }
        int rec = copies.closeRecord();
        for (int i = 0; i < n; i++) {
            int c = (int) (chainTail++ & chainMask);
            chainIds[c] = s.head(i);
            chainLens[c] = s.length(i);
        }
        recChains[rec] = n;
        recLength[rec] = len;
        recHold[rec] = hold;
        hold.retain();
        ring.counters.dmaSubmitted(ops);
        return PathStatus.PENDING;
    }

    /** A host copy of the frame, made once for all its destinations; false when no slot is free or it is too big. */
    private static boolean bounce(FrameSource src, StagingPool pool) {
        if (src.bounce != null) {
            return true;
        }
        if (src.length > StagingPool.SLOT_BYTES) {
            return false;
        }
        StagingPool.Slot slot = pool.take();
        if (slot == null) {
            return false;
        }
        src.bounce = slot; // before the copy: released by finish even if the source's memory faults under it
        src.frame.copyTo(slot.memory(), slot.offset());
        src.bounceFrame.set(slot.memory(), slot.offset(), src.length);
        return true;
    }

    /**
     * Completes every finished record at the head, in order: adds its chains to the used ring (len 0 for a failed
     * copy; nothing once the ring stopped) and releases what it held.
     *
     * @return records completed
     */
    int complete(DirtyList dirty) {
        if (copies.poll(ring.counters) == 0) {
            return 0;
        }
        int done = 0;
        boolean live = ring.live();
        while (copies.headComplete()) {
            int rec = copies.headSlot();
            boolean failed = copies.headFailed();
            for (int i = 0; i < recChains[rec]; i++) {
                int c = (int) (chainHead++ & chainMask);
                if (live) {
                    ring.queue.addUsed(chainIds[c], failed ? 0 : chainLens[c]);
                }
            }
            if (failed) {
                ring.counters.drop(DropReason.DMA_ERROR);
            } else {
                ring.counters.packet(recLength[rec]);
            }
            Hold h = recHold[rec];
            recHold[rec] = null;
            copies.popHead();
            h.release(!failed, dirty);
            done++;
        }
        dirty.add(ring);
        return done;
    }
}
