package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.PathStatus;

/**
 * A guest TX ring (odd index): takes the guest's chains one by one ({@link #take}) — a frame to forward, or one it
 * dealt with itself (dropped and counted, copied into a reactive receiver's ring, staged on its DMA channel) — and
 * returns them to the guest in pop order once nothing holds them ({@link TxFifo}). Bound to a channel, frames that
 * must reach host memory first are staged ({@link DmaStaging}). Owner-local.
 */
final class TxRing extends OwnedRing {
    /** {@link #take} results: forward the frame in the source; taken and handled here; taken, stop the burst; stop. */
    static final int FORWARD = 0;
    static final int TAKEN = 1;
    static final int TAKEN_LAST = 2;
    static final int STOP = 3;

    final DescriptorChain chain = new DescriptorChain();
    final GatherList frame = new GatherList(DescriptorChain.MAX_SEGMENTS);
    private final GatherCursor cursor = new GatherCursor();
    /** The offload fields of the chain taken last (read and validated in {@link #take}). */
    final OffloadHeader offload = new OffloadHeader();
    final TxFifo fifo;
    /** The staging path of a bound ring, or null while the CPU copies. */
    DmaStaging staging;
    // read once per burst (beginBurst)
    private GuestMemory memory;
    private int headerLength;
    private long featuresNow;
    private boolean enabledNow;
    private boolean stagesNow;
    private PacketTap tapNow;
    /** A frame went into {@link #tapNow} this burst: its consumer is signalled at {@link #endBurst}. */
    private boolean tapped;
    /** The operator's capture read at {@link #beginBurst}, or null. */
    private CaptureRing captureNow;
    /** The lending tap holding (or that held) chains of this ring, until they all went back. */
    private PacketTap lentTo;

    TxRing(VhostDevice device, PortState port, int ringIndex, Worker owner, ChannelBinding binding) {
        super(device, port, ringIndex, owner, port.counters().tx(ringIndex / 2));
        this.fifo = new TxFifo(this, device.ring(ringIndex).size());
        bind(binding);
    }

    @Override
    boolean guestTx() {
        return true;
    }

    @Override
    void bind(ChannelBinding binding) {
        copies = copiesFor(binding, queue.size());
        sealedOnly = binding != null && binding.sealedMemoryOnly();
        staging = copies == null ? null : new DmaStaging(this, copies);
        counters.bound(binding == null ? null : binding.name());
    }

    @Override
    boolean drained() {
        return !copiesOutstanding() && fifo.outstanding() == 0;
    }

    /**
     * Starts a burst in duty cycle {@code cycle}: reads what the burst needs once (memory table, header length,
     * enabled, the tap) and returns how many chains to try, at most {@code max} (0: none; a guest error found here
     * stops the ring).
     */
    int beginBurst(long cycle, int max, boolean sink, GuestSignals signals) {
        if (queue.broken() || paused) {
            return 0;
        }
        int pending = queue.pending();
        if (pending <= 0) {
            if (pending < 0) {
                stop(pending, signals);
            }
            return 0;
        }
        refillBudget(cycle);
        memory = device.memory();
        headerLength = device.headerLength();
        featuresNow = device.features();
        enabledNow = enabled();
        stagesNow = staging != null && (sink || port.segment() == PortState.DEFAULT_SEGMENT);
        tapNow = port.tap(); // a removed tap is not seen after our next quiescent point
        captureNow = port.capture(); // likewise
        int n = Math.min(pending, max);
        queue.touchAhead(memory, n, true); // the burst's misses overlap; its used slots arrive owned
        return n;
    }

    /** After the burst: publishes the packet counts and wakes a reactive receiver the burst fed. */
    void endBurst() {
        counters.publish();
        if (tapped) {
            tapped = false;
            if (tapNow != null) {
                tapNow.signalConsumer();
            }
        }
    }

    /** Whether another chain may be taken now: the FIFO has room, and a staging ring has a slot and channel room. */
    boolean canTake(StagingPool pool) {
        return fifo.hasRoom() && (!stagesNow || staging.ready(pool));
    }

    /**
     * Takes the next chain.
     *
     * @return {@link #FORWARD} ({@code src} describes the frame, held once: forward it, then finish it),
     *         {@link #TAKEN} (handled here), {@link #TAKEN_LAST} (handled here; stop the burst) or {@link #STOP}
     */
    int take(FrameSource src, StagingPool pool, long cycle, GuestSignals signals, DirtyList dirty) {
        int mark = queue.availMark();
        int id = queue.pop(memory, chain);
        if (id < 0) {
            return popFailed(id, cycle, signals, dirty);
        }
        int len = NetTx.frame(chain, headerLength, frame, cursor);
        if (len == PathStatus.ERR_BUFFER_DIRECTION) {
            counters.drop(DropReason.TX_BAD_FRAME);
            fifo.open(id).release(false, dirty);
            queue.publishUsed(); // what it took is returned before the ring stops writing
            signals.notifyIfWanted(this);
            stop(len, signals);
            return TAKEN_LAST;
        }
        if (captureNow != null && len >= 0) {
            captureNow.mirror(ringIndex, frame, len); // vhostctl capture: a bounded copy, never waited for
        }
        boolean badOffload = len >= 0 && offload.read(chain.buffers()).validate(len, featuresNow) != 0;
        if (len >= 0 && !badOffload && enabledNow && tapNow != null && tapNow.lends()
                && (offload.plain() || tapNow.keepsOffloads())) {
            return lend(id, mark, len, dirty); // a frame that needs offload work takes the copying path below
        }
        // a TSO frame too big to stage is forwarded from the chain (CPU copy; segmented for a DMA receiver)
        boolean stage = stagesNow && (len <= StagingPool.SLOT_BYTES || offload.gsoKind() != OffloadHeader.GSO_NONE);
        if (len < 0 || badOffload || !enabledNow || tapNow != null || (stagesNow && !stage)) {
            TxFifo.Record rec = fifo.open(id); // first: the chain goes back whatever happens below
            try {
                dropOrTap(len, badOffload);
            } finally {
                rec.release(false, dirty);
            }
            return TAKEN;
        }
        if (stage && len <= StagingPool.SLOT_BYTES) {
            if (!staging.canStage(frame, pool)) {
                queue.rewindTo(mark); // taken again next cycle
                return STOP;
            }
            TxFifo.Record rec = fifo.open(id);
            staging.stage(frame, len, offload, rec, pool);
            rec.release(false, dirty); // the staging copy holds the chain now
            return TAKEN;
        }
        counters.packet(len);
        src.fromTxChain(this, fifo.open(id), len);
        return FORWARD;
    }

    /**
     * Lends the frame to the reactive receiver (its chain held until the receiver frees it), or copies it into the
     * tap's slot when it is in several pieces; at the lending bound the chain goes back into the avail ring and the
     * burst stops (back-pressure; counted as a stall on the tap).
     */
    private int lend(int id, int mark, int len, DirtyList dirty) {
        TxFifo.Record rec = fifo.open(id);
        int st = tapNow.lend(queuePair, frame, len, rec, offload); // the fields are kept in offload mode
        if (st == PacketTap.FULL) {
            counters.lendStall();
            fifo.unopen();
            queue.rewindTo(mark); // taken again once the receiver frees room
            return STOP;
        }
        rec.release(false, dirty); // a lent frame's chain stays held by the tap
        if (st == PacketTap.TOO_BIG) {
            counters.drop(DropReason.RECEIVER_FULL);
        } else {
            if (st == PacketTap.LENT) {
                counters.lent();
            }
            lentTo = tapNow;
            tapped = true;
            counters.packet(len);
        }
        return TAKEN;
    }

    /**
     * Each cycle, before the burst: gives back the chains the lending receiver freed; once its tap was removed,
     * every chain still lent (the receiver invalidated its views before removing the tap).
     */
    void reclaimLent(DirtyList dirty) {
        PacketTap t = lentTo;
        if (t == null) {
            return;
        }
        if (port.tap() != t) {
            counters.lendRevoked(t.revokeAll(queuePair, dirty));
            lentTo = null;
        } else {
            counters.lendReturned(t.reclaim(queuePair, dirty));
        }
    }

    /** Whether the lending receiver freed chains not yet given back (the worker's idle check). */
    boolean reclaimPending() {
        PacketTap t = lentTo;
        return t != null && (t.reclaimPending(queuePair) || port.tap() != t);
    }

    /** The ring stops (detach): every view of its lent frames is invalidated, then their chains go back. */
    void revokeLent(DirtyList dirty) {
        if (lentTo != null) {
            counters.lendRevoked(lentTo.revokeAll(queuePair, dirty));
            lentTo = null;
        }
    }

    /**
     * A chain this ring deals with itself: a bad frame or offload header, a disabled ring, a reactive receiver, too
     * big to stage.
     */
    private void dropOrTap(int len, boolean badOffload) {
        if (len < 0) {
            counters.drop(DropReason.TX_BAD_FRAME);
        } else if (badOffload) {
            counters.drop(DropReason.TX_BAD_OFFLOAD);
        } else if (!enabledNow) {
            counters.drop(DropReason.TX_DISABLED);
        } else if (tapNow != null) {
            boolean asIs = offload.plain() || tapNow.keepsOffloads();
            int taken = asIs ? (tapNow.offer(queuePair, frame, len, offload) ? 1 : 0)
                    : owner.rxOffload.toTap(tapNow, queuePair, frame, len, offload, counters);
            if (taken > 0) {
                tapped = true;
                counters.packet(len);
            } else if (taken == 0) {
                counters.drop(DropReason.RECEIVER_FULL);
            }
        } else {
            counters.drop(DropReason.NO_HOST_BUFFER);
        }
    }

    /**
     * A pop that took no chain: empty, over a descriptor budget (a chain over its frame's budget is taken and
     * dropped, counted {@code budget}), or a guest error.
     */
    private int popFailed(int code, long cycle, GuestSignals signals, DirtyList dirty) {
        if (code == PathStatus.FRAME_OVER_BUDGET) {
            counters.drop(DropReason.BUDGET);
            fifo.open(queue.skipHead(chain)).release(false, dirty);
            budgetExceeded(cycle);
            return TAKEN_LAST;
        }
        if (code == PathStatus.OVER_BUDGET) {
            budgetExceeded(cycle); // the rest waits for the next cycle
        } else if (code != PathStatus.EMPTY) {
            stop(code, signals);
        }
        return STOP;
    }

    /** Returns a chain to the driver (used len 0); once the ring stopped it is only forgotten, so the ring drains. */
    void returnChain(int id) {
        if (live()) {
            queue.addUsed(id, NetTx.USED_LEN);
        }
    }
}
