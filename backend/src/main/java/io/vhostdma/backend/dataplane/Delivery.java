package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.virtq.PathStatus;

/**
 * The delivery side of one {@link Worker}: forwards the frame being served, enqueues it into an owned
 * RX ring (CPU copy, or DMA records through {@link AsyncRx}), hands it to the ring's owner through a
 * {@link Handoff} otherwise, and keeps the cross-worker references ({@link Returns}) balanced. It
 * remembers where the frame being forwarded lives (a guest TX chain, a staging slot, an injector slot),
 * which decides the DMA path. Used only on its worker's thread; allocates nothing per packet.
 */
final class Delivery {
    /** {@link #enqueueLocal} results: the frame reached the used ring, was dropped, or its DMA copy is in flight. */
    static final int DELIVERED = 1;
    static final int DROPPED = 0;
    private static final int ETHERNET_HEADER = 14;

    private final Worker worker;
    private final int id;
    private final DataPlaneImpl plane;
    private final Forwarder forwarder;
    private final StagingPool pool;
    private final GatherList handoffFrame = new GatherList(1);
    /** Frames other workers hand to this one (index: the giving worker). */
    final Handoff[] inbound;
    /** References other workers give back to this one (index: the giving worker). */
    final Returns[] returnsIn;
    /** References this worker has out to each other worker (bounded by {@link Returns#CAPACITY}). */
    private final int[] refsOut;
    /** Set when a referenced frame from another worker was taken by a DMA record (which returns it). */
    private boolean refTaken;
    // where the frame being forwarded lives: a TX chain of srcRing (record srcRecord), or staging slot srcSlot
    private RingContext srcRing;
    private int srcRecord = -1;
    private int srcSlot = -1;
    /** A host copy of the current frame made for bound rings outside its group (one per frame), or -1. */
    private int bounceSlot = -1;
    private final GatherList bounceFrame = new GatherList(1);
    // the frame being enqueued came from injector `injecting`'s slot `injectSlot` (reactive send), or null / -1
    private Injector injecting;
    private int injectSlot = -1;
    /** The owned RX ring the current frame is being enqueued into (for fault accounting), or null. */
    private RingContext enqueueing;

    Delivery(Worker worker, DataPlaneImpl plane, Forwarder forwarder, StagingPool pool, int workers) {
        this.worker = worker;
        this.id = worker.id;
        this.plane = plane;
        this.forwarder = forwarder;
        this.pool = pool;
        this.inbound = new Handoff[workers];
        this.returnsIn = new Returns[workers];
        this.refsOut = new int[workers];
    }

    void setInbound(int fromWorker, Handoff h) {
        inbound[fromWorker] = h;
    }

    void setReturns(int fromWorker, Returns r) {
        returnsIn[fromWorker] = r;
    }

    /** Forwards the frame of chain {@code record} of TX ring {@code r}; the frame stays in the guest's chain. */
    void forwardTx(RingContext r, int record, int len) {
        srcRing = r;
        srcRecord = record;
        forwarder.forward(worker, r, r.frame, len);
        srcRing = null;
        releaseBounce();
    }

    /** Forwards a frame that a TX ring's channel staged into {@code slot} (called at its completion). */
    void forwardStaged(RingContext source, GatherList staged, int len, int slot) {
        srcSlot = slot;
        forwarder.forward(worker, source, staged, len);
        srcSlot = -1;
    }

    /**
     * Fault containment: forgets the frame being forwarded and releases its bounce copy. An injected
     * frame being enqueued is dropped (never retried); returns whether there was one.
     */
    boolean abandon() {
        srcRing = null;
        srcSlot = -1;
        enqueueing = null;
        releaseBounce();
        if (injecting == null) {
            return false;
        }
        injecting.take(injectSlot, DROPPED); // never retried: the faulting frame is dropped
        injecting = null;
        injectSlot = -1;
        return true;
    }

    /** Delivers a frame into port {@code dst}'s RX queue for queue pair {@code qp} (any owner). */
    void deliver(PortState dst, int qp, GatherList frame, int len) {
        int q = qp % dst.queuePairs();
        RingContext r = dst.rx(q);
        if (r == null && q != 0) {
            q = 0;
            r = dst.rx(0);
        }
        if (r == null || !r.live() || r.paused) {
            dst.counters().rx(q).drop(DropReason.RX_NOT_READY);
            return;
        }
        if (r.owner != worker) {
            handOff(r.owner, dst, q, frame, len);
            return;
        }
        enqueueLocal(r, frame, len);
    }

    /**
     * Enqueues frame {@code slot} of injector {@code in} (registered host memory) into the owned RX
     * ring {@code r}; returns {@link #DELIVERED}, {@link #DROPPED} or {@link Injector#PENDING}.
     */
    int enqueueFromInjector(RingContext r, Injector in, int slot, GatherList frame, int len) {
        injecting = in;
        injectSlot = slot;
        int status = enqueueLocal(r, frame, len);
        injecting = null;
        injectSlot = -1;
        return status;
    }

    /** Enqueues into an owned RX ring; returns {@link #DELIVERED}, {@link #DROPPED} or {@link Injector#PENDING}. */
    private int enqueueLocal(RingContext r, GatherList frame, int len) {
        enqueueing = r; // stays set if the enqueue throws: FaultContainment counts the frame on it
        int status = enqueueInto(r, frame, len);
        enqueueing = null;
        return status;
    }

    /** The RX ring a frame was being enqueued into when the data path threw, or null. */
    RingContext enqueueing() {
        return enqueueing;
    }

    private int enqueueInto(RingContext r, GatherList frame, int len) {
        r.refillBudget(worker.cycle);
        if (!r.enabled()) {
            r.counters.drop(DropReason.RX_NOT_READY);
            return DROPPED;
        }
        int mtu = r.device.mtu();
        if (mtu > 0 && len > mtu + ETHERNET_HEADER) {
            // NET_SET_MTU negotiated: the guest may not accept a longer frame (no GSO is offered)
            r.counters.drop(DropReason.RX_TOO_BIG);
            return DROPPED;
        }
        if (r.asyncRx != null) {
            return enqueueAsync(r, frame, len);
        }
        int n = NetRx.enqueue(r.queue, r.device.memory(), frame, r.device.mergeable(),
                r.device.headerLength(), r.rxScratch);
        if (n > 0) {
            r.counters.packet(len);
            worker.markDirty(r);
            return DELIVERED;
        }
        rxFailed(r, n);
        return DROPPED;
    }

    /**
     * The DMA enqueue: guest → guest in one copy when both ports share an access group (and the source
     * memory is sealed, if the channel may touch only sealed memory: {@link SealedMemoryRule}), else out
     * of a host buffer (the staged frame, or a bounce copy made once per frame).
     */
    private int enqueueAsync(RingContext r, GatherList frame, int len) {
        RingContext src = null;
        int srcRec = -1;
        long flags = 0L;
        int slot = srcSlot;
        GatherList from = frame;
        if (slot < 0 && injecting == null) { // an injector slot is registered host memory already
            if (srcRing != null && PortState.sameGroup(srcRing.port, r.port)
                    && (!r.sealedOnly || srcRing.device.memory().fixedSize())) { // else: via a host buffer
                src = srcRing;
                srcRec = srcRecord;
                flags = OpFlags.withHandles(0L, src.port.domainHandle(), r.port.domainHandle());
            } else {
                slot = bounce(frame, len);
                if (slot < 0) {
                    r.counters.drop(DropReason.NO_HOST_BUFFER);
                    return DROPPED;
                }
                from = bounceFrame;
            }
        }
        int n = r.asyncRx.enqueue(from, len, flags, src, srcRec, slot, pool);
        if (n > 0 && src != null) {
            if (src.owner == worker) {
                src.fifo.ref(srcRec);
            } else {
                refTaken = true; // the handed-off reference now belongs to the record
            }
        }
        if (n == AsyncRx.BUSY) {
            r.counters.drop(DropReason.DMA_BUSY);
            return DROPPED;
        } else if (n < 0) {
            rxFailed(r, n);
            return DROPPED;
        }
        if (injecting != null) {
            r.asyncRx.tagInjected(injecting, injectSlot);
            return Injector.PENDING;
        }
        return DELIVERED;
    }

    private int bounce(GatherList frame, int len) {
        if (bounceSlot >= 0) {
            return bounceSlot;
        }
        if (len > StagingPool.SLOT_BYTES) {
            return -1;
        }
        int slot = pool.take();
        if (slot < 0) {
            return -1;
        }
        frame.copyTo(pool.memory(), StagingPool.offset(slot));
        bounceFrame.clear();
        bounceFrame.add(pool.memory(), StagingPool.offset(slot), len);
        bounceSlot = slot;
        return slot;
    }

    private void releaseBounce() {
        if (bounceSlot >= 0) {
            pool.unref(bounceSlot);
            bounceSlot = -1;
        }
    }

    private void rxFailed(RingContext r, int n) {
        if (n == PathStatus.NO_BUFFERS) {
            r.counters.drop(DropReason.RX_NO_BUFFERS);
        } else if (n == PathStatus.OVER_BUDGET) {
            r.counters.drop(DropReason.BUDGET); // out of buffers for the rest of this duty cycle
            r.budgetExceeded();
        } else if (n == PathStatus.TOO_BIG) {
            r.counters.drop(DropReason.RX_TOO_BIG);
        } else {
            r.counters.drop(DropReason.RX_RING_ERROR);
            Worker.breakRing(r, r.queue.lastError());
        }
    }

    private void handOff(Worker owner, PortState dst, int q, GatherList frame, int len) {
        Handoff h = owner.delivery.inbound[id];
        if (srcRing != null && srcSlot < 0 && frame.count() <= Handoff.MAX_PIECES
                && refsOut[owner.id] < Returns.CAPACITY) {
            // the frame stays in the guest's TX chain: hand over a reference, copied from there once
            int slot = h.claim();
            if (slot < 0) {
                dst.counters().rx(q).drop(DropReason.HANDOFF_FULL);
                return;
            }
            srcRing.fifo.ref(srcRecord);
            refsOut[owner.id]++;
            h.publishRef(slot, frame, len, dst.id(), q, srcRing, srcRecord);
            Worker.wake(owner);
            return;
        }
        int slot = len > Handoff.SLOT_BYTES ? -1 : h.claim();
        if (slot < 0) {
            dst.counters().rx(q).drop(DropReason.HANDOFF_FULL);
            return;
        }
        frame.copyTo(h.buffers(), Handoff.slotOffset(slot));
        h.publish(slot, len, dst.id(), q);
        Worker.wake(owner);
    }

    /** A copy reading chain {@code record} of TX ring {@code src} is over: release it (any owner). */
    void releaseSource(RingContext src, int record) {
        if (src.owner == worker) {
            src.fifo.unref(record);
            worker.retireTx(src);
        } else {
            giveBack(src, record);
        }
    }

    private void giveBack(RingContext src, int record) {
        if (!src.owner.delivery.returnsIn[id].offer(src, record)) {
            // the owner bounds its references to CAPACITY, so this cannot happen; never lose one silently
            throw new IllegalStateException("reference return queue full: worker=" + id + " owner=" + src.owner.id);
        }
        Worker.wake(src.owner);
    }

    int drainReturns() {
        int n = 0;
        for (int w = 0; w < returnsIn.length; w++) {
            Returns r = returnsIn[w];
            if (r != null && r.pending()) {
                int k = r.drain(worker);
                refsOut[w] -= k;
                n += k;
            }
        }
        return n;
    }

    int drainHandoffs() {
        int work = 0;
        for (Handoff h : inbound) {
            if (h == null) {
                continue;
            }
            int slot;
            while ((slot = h.peek()) >= 0) {
                boolean ref = h.isRef(slot);
                RingContext src = ref ? h.source(slot) : null;
                int rec = ref ? h.sourceRecord(slot) : -1;
                try {
                    deliverHandedOff(h, slot, ref, src, rec);
                } finally {
                    // even when the copy faulted: the slot is freed and the reference given back, so neither
                    // this queue nor the source ring's drain is stuck on it
                    srcRing = null;
                    releaseBounce();
                    h.release();
                    if (ref && !refTaken) {
                        giveBack(src, rec); // copied (CPU), dropped or failed: the chain is free again
                    }
                    refTaken = false;
                }
                work++;
            }
        }
        return work;
    }

    private void deliverHandedOff(Handoff h, int slot, boolean ref, RingContext src, int rec) {
        PortState dst = plane.port(h.port(slot));
        int len = h.length(slot);
        RingContext r = dst.rx(h.queuePair(slot));
        if (r == null || r.owner != worker || !r.live() || r.paused || (src != null && src.device.faulted())) {
            dst.counters().rx(h.queuePair(slot)).drop(DropReason.RX_NOT_READY);
            return;
        }
        if (ref) {
            h.pieces(slot, handoffFrame);
            srcRing = src;
            srcRecord = rec;
        } else {
            handoffFrame.clear();
            handoffFrame.add(h.buffers(), Handoff.slotOffset(slot), len);
        }
        enqueueLocal(r, handoffFrame, len);
    }

    boolean returnsPending() {
        for (Returns r : returnsIn) {
            if (r != null && r.pending()) {
                return true;
            }
        }
        return false;
    }

    boolean handoffPending() {
        for (Handoff h : inbound) {
            if (h != null && h.peek() >= 0) {
                return true;
            }
        }
        return false;
    }
}
