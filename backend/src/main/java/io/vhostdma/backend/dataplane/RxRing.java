package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.RxScratch;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.virtq.PathStatus;

/**
 * A guest RX ring (even index): enqueues frames into the guest's buffers — with the CPU (one copy, used at once)
 * or, bound to a channel, as DMA records used in order when their copies completed ({@link DmaRx}) — and counts
 * each frame it cannot take under one drop reason. Used elements are published by the worker once per burst
 * ({@link DirtyList}). Owner-local, except that other workers read {@link #owner}, {@link #live()} and
 * {@link #paused} to route (plain reads: a hint, the owner checks again).
 */
final class RxRing extends OwnedRing {
    private static final int ETHERNET_HEADER = 14;

    final RxScratch scratch;
    /** The DMA enqueue path of a bound ring, or null while the CPU copies. */
    DmaRx dma;

    RxRing(VhostDevice device, PortState port, int ringIndex, Worker owner, ChannelBinding binding) {
        super(device, port, ringIndex, owner, port.counters().rx(ringIndex / 2));
        this.scratch = new RxScratch(device.ring(ringIndex).size());
        bind(binding);
    }

    @Override
    boolean guestTx() {
        return false;
    }

    @Override
    void bind(ChannelBinding binding) {
        copies = copiesFor(binding, queue.size());
        sealedOnly = binding != null && binding.sealedMemoryOnly();
        dma = copies == null ? null : new DmaRx(this, copies);
        counters.bound(binding == null ? null : binding.name());
    }

    @Override
    boolean drained() {
        return !copiesOutstanding();
    }

    /**
     * Enqueues the frame {@code src} describes.
     *
     * @return {@link PathStatus#OK} (in the used ring, published at the end of the burst), {@link PathStatus#PENDING}
     *         (its copies are in flight; {@code src}'s hold is retained until they complete) or a negative status
     *         (dropped, counted here)
     */
    int enqueue(FrameSource src, StagingPool pool, long cycle, GuestSignals signals, DirtyList dirty) {
        if (refillBudget(cycle) && dma == null && enabled() && queue.pending() > 0) {
            queue.touchAhead(device.memory(), Worker.BURST, true); // the next buffers arrive owned, in parallel
        }
        OffloadHeader h = src.offload;
        boolean gso = h.gsoKind() != OffloadHeader.GSO_NONE;
        int work = enabled() ? h.rxWork(device.features()) : OffloadHeader.RX_AS_IS;
        if (work == OffloadHeader.RX_AS_IS && gso && dma != null && !dma.fits(src)) {
            work = OffloadHeader.RX_SEGMENT; // a whole GSO frame cannot reach this DMA ring in one copy
        }
        if (work != OffloadHeader.RX_AS_IS) {
            return owner.rxOffload.deliver(this, src, work, pool, cycle, signals, dirty);
        }
        int st;
        if (!enabled()) {
            st = PathStatus.NOT_READY;
        } else if (!gso && tooBig(src.length)) {
            st = PathStatus.TOO_BIG;
        } else if (dma != null) {
            st = dma.enqueue(src, pool);
        } else {
            st = NetRx.enqueue(queue, device.memory(), src.frame, device.mergeable(), device.headerLength(), scratch,
                    h.plain() ? null : h);
            if (st > 0) {
                counters.packet(src.length);
                dirty.add(this);
                st = PathStatus.OK;
            }
        }
        if (st < 0) {
            dropped(st, cycle, signals);
        } else if (gso) {
            counters.gsoFrame();
        }
        return st;
    }

    /**
     * NET_SET_MTU negotiated: the guest may not accept a longer frame (GSO frames are checked by the receiving
     * guest's GUEST_TSO4/6 instead).
     */
    boolean tooBig(int len) {
        int mtu = device.mtu();
        return mtu > 0 && len > mtu + ETHERNET_HEADER;
    }

    /** Counts a frame this ring could not take; a guest error found on the way stops the ring. */
    void dropped(int status, long cycle, GuestSignals signals) {
        counters.drop(DropReason.ofRx(status));
        if (PathStatus.isBudget(status)) {
            budgetExceeded(cycle); // out of buffers for the rest of this duty cycle
        } else if (PathStatus.breaksRing(status)) {
            stop(status, signals);
        }
    }

    /** Completes the DMA records whose copies finished, in order (a bound ring); returns records completed. */
    int complete(DirtyList dirty) {
        return dma == null ? 0 : dma.complete(dirty);
    }
}
