package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.virtq.PathStatus;
import java.lang.foreign.MemorySegment;

/**
 * Delivers a frame where the switch decided: into an RX ring this worker owns ({@link RxRing#enqueue}), across to
 * the ring's owner ({@link HandoffLink}), or into the worker's sink. It is told everything it works on — the frame
 * and its origin ({@link FrameSource}), the destinations, the dirty list — and keeps nothing between calls. One per
 * worker; allocation-free.
 */
final class Delivery {
    private final Worker self;
    private final DataPlaneImpl plane;
    private final StagingPool pool;
    /** The sink's host buffer ({@code forwarding: sink}). */
    private final MemorySegment sink;
    /** Links to the other workers, by their id (null for this worker). */
    final HandoffLink[] outbound;

    Delivery(Worker self, DataPlaneImpl plane, StagingPool pool, MemorySegment sink, int workers) {
        this.self = self;
        this.plane = plane;
        this.pool = pool;
        this.sink = sink;
        this.outbound = new HandoffLink[workers];
    }

    /** Delivers {@code src} to every destination in {@code dests}. */
    void deliver(FrameSource src, Destinations dests, long cycle, GuestSignals signals, DirtyList dirty) {
        if (dests.isSink()) {
            if (!src.inHostMemory() && src.length <= sink.byteSize()) {
                src.frame.copyTo(sink, 0); // a staged frame is in host memory already
            }
            return;
        }
        for (int i = 0; i < dests.count(); i++) {
            toPort(src, plane.port(dests.port(i)), src.queuePair, cycle, signals, dirty);
        }
    }

    /** Delivers {@code src} into port {@code dst}'s RX queue for queue pair {@code qp} (any owner). */
    private void toPort(FrameSource src, PortState dst, int qp, long cycle, GuestSignals signals, DirtyList dirty) {
        int q = qp % dst.queuePairs();
        RxRing r = dst.rx(q);
        if (r == null && q != 0) {
            q = 0;
            r = dst.rx(0);
        }
        if (r == null || !r.live() || r.paused) {
            dst.counters().rx(q).drop(DropReason.RX_NOT_READY);
        } else if (r.owner != self) {
            handOff(src, r.owner, dst, q, dirty);
        } else {
            enqueue(r, src, cycle, signals, dirty);
        }
    }

    /**
     * Enqueues {@code src} into RX ring {@code r}, which this worker owns. Anything the enqueue throws leaves here
     * as a {@link RingFault} naming {@code r}, so fault containment knows which guest's ring was being written.
     */
    int enqueue(RxRing r, FrameSource src, long cycle, GuestSignals signals, DirtyList dirty) {
        try {
            int st = r.enqueue(src, pool, cycle, signals, dirty);
            if (st == PathStatus.OK) {
                src.delivered = true;
            }
            CaptureRing c = r.port.capture();
            if (c != null && st >= PathStatus.OK) { // OK, or PENDING: its DMA copies are in flight
                c.mirror(r.ringIndex, src.frame, src.length); // vhostctl capture: a bounded copy
            }
            return st;
        } catch (RuntimeException | Error e) {
            FaultContainment.rethrowIfFatal(e);
            throw new RingFault(r, e);
        }
    }

    /**
     * Hands {@code src} to {@code owner}: a reference to the guest TX chain when it has few enough ranges (the
     * owner copies from guest memory once), else its bytes (up to a slot's size); no free slot, or a frame too
     * big for one, is the drop {@code handoff_full}.
     */
    private void handOff(FrameSource src, Worker owner, PortState dst, int q, DirtyList dirty) {
        HandoffLink link = outbound[owner.id];
        boolean reference = src.kind == FrameSource.TX_CHAIN && src.frame.count() <= HandoffLink.MAX_PIECES;
        HandoffLink.Slot s = reference || src.length <= HandoffLink.SLOT_BYTES ? link.claim(dirty) : null;
        if (s == null) {
            dst.counters().rx(q).drop(DropReason.HANDOFF_FULL);
            return;
        }
        if (reference) {
            s.reference(src.frame, src.length, src.ring, (TxFifo.Record) src.hold);
        } else {
            s.copy(src.frame, src.length);
        }
        s.offload.copyFrom(src.offload);
        s.to(dst.id(), q);
        link.send(s);
    }

    /** The handed-off frame {@code src} arrived in {@code slot}: enqueued into the RX ring it names, if still ours. */
    void handedOff(FrameSource src, HandoffLink.Slot slot, long cycle, GuestSignals signals, DirtyList dirty) {
        PortState dst = plane.port(slot.port);
        RxRing r = dst.rx(slot.queuePair);
        if (r == null || r.owner != self || !r.live() || r.paused
                || (slot.source != null && slot.source.device.faulted())) {
            dst.counters().rx(slot.queuePair).drop(DropReason.RX_NOT_READY);
            return;
        }
        enqueue(r, src, cycle, signals, dirty);
    }
}
