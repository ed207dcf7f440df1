package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.internal.sys.Affinity;
import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.net.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.NetStatus;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.VirtqStatus;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import io.vhostdma.dma.OpFlags;

/**
 * A poll-mode data-plane agent. Its duty cycle: run pending commands (its quiescent point), drain
 * frames handed over by other workers, serve each owned guest-TX ring with a bounded burst
 * (forwarding every frame), publish the RX rings it filled and notify guests, then idle adaptively.
 */
public final class Worker implements Runnable {
    static final int BURST = 32;
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");
    private static final long SPIN_NANOS = Long.getLong("vhostd.idleSpinMicros", 200L) * 1000L;
    private static final int MAX_RINGS = 512;
    private static final int ETHERNET_HEADER = 14;

    final int id;
    private final DataPlaneImpl plane;
    private final Forwarder forwarder;
    private final int cpu;
    private final Epoll epoll = new Epoll(64);
    private final int wakeFd = EventFd.create();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final RingContext[] tx = new RingContext[MAX_RINGS];
    private final RingContext[] dirty = new RingContext[MAX_RINGS];
    private final GatherList handoffFrame = new GatherList(1);
    private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
    /** Worker-local scratch for the forwarder: the frame's Ethernet header, read once. */
    final io.vhostdma.vhost.net.EthernetHeader ethernet = new io.vhostdma.vhost.net.EthernetHeader();
    /** Worker-local host buffer (sink forwarding). */
    final java.lang.foreign.MemorySegment hostBuffer = SinkForwarder.newBuffer(arena);
    private final Handoff[] inbound;
    /** References other workers give back to this one (index: the giving worker). */
    private final Returns[] returnsIn;
    /** References this worker has out to each other worker (bounded by {@link Returns#CAPACITY}). */
    private final int[] refsOut;
    /** Set when a referenced frame from another worker was taken by a DMA record (which returns it). */
    private boolean refTaken;
    /** At this cycle's last completion poll, submitted copies were still outstanding. */
    private boolean engineLagging;
    private int txCount;
    /** The TX ring being served (for fault containment). */
    private RingContext current;
    private int dirtyCount;
    private int pollOnlyRings;
    private long idleSince;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private final WorkerStats stats = new WorkerStats();
    /** Host buffers for DMA copies that need host memory (registered with every DMA device). */
    final StagingPool pool = new StagingPool();
    /** Rings with a bound channel (polled for completions), and rings whose detach waits for copies. */
    private final RingContext[] async = new RingContext[MAX_RINGS];
    private int asyncCount;
    private final RingContext[] draining = new RingContext[MAX_RINGS];
    private int drainingCount;
    private final boolean sink;
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
    /** An injector's frame was taken or finished this cycle: its progress is published after the flush. */
    private boolean injectDirty;
    private final GatherList injectFrame = new GatherList(1);
    /** {@link #enqueueLocal} results: the frame reached the used ring, was dropped, or its DMA copy is in flight. */
    private static final int DELIVERED = 1;
    private static final int DROPPED = 0;

    Worker(int id, DataPlaneImpl plane, Forwarder forwarder, int cpu, int workers, boolean sink) {
        this.id = id;
        this.sink = sink;
        this.plane = plane;
        this.forwarder = forwarder;
        this.cpu = cpu;
        this.inbound = new Handoff[workers];
        this.returnsIn = new Returns[workers];
        this.refsOut = new int[workers];
        epoll.add(wakeFd, Epoll.EPOLLIN, -1L);
    }

    /** This worker's index. */
    public int id() {
        return id;
    }

    /** The CPU this worker is pinned to, or -1. */
    public int cpu() {
        return cpu;
    }

    /** Work reports for the busy ratio. */
    public WorkerStats stats() {
        return stats;
    }

    void setInbound(int fromWorker, Handoff h) {
        inbound[fromWorker] = h;
    }

    void setReturns(int fromWorker, Returns r) {
        returnsIn[fromWorker] = r;
    }

    /** Queues a command for the duty cycle's quiescent point and wakes the worker. */
    void submit(Runnable command) {
        commands.add(command);
        EventFd.signal(wakeFd);
    }

    CompletableFuture<Void> quiesce() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(() -> f.complete(null));
        return f;
    }

    void stop() {
        running = false;
        EventFd.signal(wakeFd);
    }

    @Override
    public void run() {
        if (cpu >= 0) {
            Affinity.pinCurrentThread(cpu);
        }
        idleSince = System.nanoTime();
        while (running) {
            int work;
            try {
                work = doWork();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // anything but a VM error (out of memory, stack overflow) is contained to one ring
                containFault(e);
                continue;
            }
            if (work > 0) {
                stats.busy(work);
                idleSince = 0;
            } else {
                stats.idle();
                idle();
            }
        }
        epoll.close();
        Fds.close(wakeFd);
        arena.close();
        pool.close();
    }

    /** One duty cycle; returns the number of packets moved (0 = idle). */
    int doWork() {
        Runnable c;
        while ((c = commands.poll()) != null) {
            c.run();
        }
        int work = drainReturns() + drainHandoffs() + drainInjected() + pollCopies();
        for (int i = 0; i < txCount; i++) {
            current = tx[i];
            work += serveTx(current);
        }
        current = null;
        if (asyncCount > 0) {
            for (int i = 0; i < asyncCount; i++) {
                async[i].copies.submit(); // one doorbell per channel per burst
            }
            // copies that already landed (the cpu engine runs them inside copy()) are used this cycle
            work += pollCopies();
        }
        flushUsed();
        if (injectDirty) {
            publishInjected();
        }
        if (drainingCount > 0) {
            finishDrains();
        }
        if (engineLagging) {
            // submitted copies are still running: an engine thread may share this core (the sw engine
            // on small machines), so give it the CPU instead of spinning past it
            Thread.yield();
        }
        return work;
    }

    /**
     * A ring's memory failed under us (e.g. an access to a table that was unmapped throws in this
     * thread instead of crashing the JVM): stop the ring being served, count it, keep the worker.
     */
    private void containFault(Throwable e) {
        RingContext r = current;
        current = null;
        for (int i = 0; i < dirtyCount; i++) {
            dirty[i].dirty = false;
            dirty[i] = null;
        }
        dirtyCount = 0;
        if (r != null && !r.stopped) {
            r.stopped = true;
            r.counters.ringError();
        }
        srcRing = null;
        srcSlot = -1;
        releaseBounce();
        if (injecting != null) {
            injecting.take(injectSlot, DROPPED); // never retried: the faulting frame is dropped
            injectDirty = true;
            injecting = null;
            injectSlot = -1;
        }
        LOG.log(Level.ERROR, "data-plane fault contained: worker=" + id
                + (r == null ? "" : " " + r.describe()) + " error=" + e);
    }

    private int serveTx(RingContext r) {
        if (r.stopped || r.paused) {
            return 0;
        }
        SplitVirtqueue q = r.queue;
        int pending = q.pending();
        if (pending <= 0) {
            if (pending < 0) {
                breakRing(r, pending);
            }
            return 0;
        }
        GuestMemory mem = r.device.memory();
        int hdrLen = r.device.headerLength();
        boolean enabled = r.enabled();
        boolean stages = r.asyncTx != null && (sink || r.port.segment() == PortState.DEFAULT_SEGMENT);
        TxFifo fifo = r.fifo;
        PacketTap tap = r.port.tap(); // once per burst: a removed tap is not seen after our next quiescent point
        int n = Math.min(pending, BURST);
        int done = 0;
        for (; done < n; done++) {
            if (!fifo.hasRoom() || (stages && !r.asyncTx.ready(pool))) {
                break; // back-pressure: the guest's chains wait in its ring
            }
            int head = q.pop(mem, r.chain);
            if (head < 0) {
                if (head != VirtqStatus.EMPTY) {
                    breakRing(r, head);
                }
                break;
            }
            int len = NetTx.frame(r.chain, hdrLen, r.frame);
            if (len == NetStatus.WRITABLE_IN_TX) {
                r.counters.drop(DropReason.TX_BAD_FRAME);
                fifo.open(head);
                fifo.retire(r);
                q.publishUsed();
                notifyGuest(r);
                done++;
                breakRing(r, VirtqStatus.ERR_BUFFER_DIRECTION);
                break;
            } else if (len < 0) {
                r.counters.drop(DropReason.TX_BAD_FRAME);
                fifo.open(head);
            } else if (!enabled) {
                r.counters.drop(DropReason.TX_DISABLED);
                fifo.open(head);
            } else if (tap != null) {
                tapFrame(r, tap, len);
                fifo.open(head);
            } else if (stages) {
                if (len > StagingPool.SLOT_BYTES) {
                    r.counters.drop(DropReason.NO_HOST_BUFFER);
                    fifo.open(head);
                } else if (!r.asyncTx.canStage(r.frame, pool)) {
                    q.rewind(1); // taken again next cycle
                    break;
                } else {
                    r.asyncTx.stage(r.frame, len, fifo.open(head), pool);
                }
            } else {
                r.counters.packet(len);
                srcRing = r;
                srcRecord = fifo.open(head);
                forwarder.forward(this, r, r.frame, len);
                srcRing = null;
                releaseBounce();
            }
        }
        retireTx(r);
        return done;
    }

    /** Returns the finished chains at the head of a TX ring's FIFO; the ring is published at the flush. */
    void retireTx(RingContext r) {
        if (r.fifo.retire(r) > 0) {
            markDirty(r);
        }
    }

    /** Forwards a frame that a TX ring's channel staged into {@code slot} (called at its completion). */
    void forwardStaged(RingContext source, GatherList staged, int len, int slot) {
        srcSlot = slot;
        forwarder.forward(this, source, staged, len);
        srcSlot = -1;
    }

    void markDirty(RingContext r) {
        if (!r.dirty) {
            r.dirty = true;
            dirty[dirtyCount++] = r;
        }
    }

    private int pollCopies() {
        int work = 0;
        boolean lagging = false;
        for (int i = 0; i < asyncCount; i++) {
            RingContext r = async[i];
            if (r.asyncRx != null) {
                work += r.asyncRx.complete(this, pool);
            } else {
                work += r.asyncTx.complete(this, pool, sink);
            }
            lagging |= r.copies.recordsOutstanding() > 0;
        }
        engineLagging = lagging;
        return work;
    }

    /** Delivers a frame into port {@code dst}'s RX queue for queue pair {@code qp} (any owner). */
    void deliver(PortState dst, int qp, GatherList frame, int len) {
        int q = qp % dst.queuePairs();
        RingContext r = dst.rx(q);
        if (r == null && q != 0) {
            q = 0;
            r = dst.rx(0);
        }
        if (r == null || r.stopped || r.paused) {
            dst.counters().rx(q).drop(DropReason.RX_NOT_READY);
            return;
        }
        if (r.owner != this) {
            handOff(r.owner, dst, q, frame, len);
            return;
        }
        enqueueLocal(r, frame, len);
    }

    /** Enqueues into an owned RX ring; returns {@link #DELIVERED}, {@link #DROPPED} or {@link Injector#PENDING}. */
    private int enqueueLocal(RingContext r, GatherList frame, int len) {
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
            markDirty(r);
            return DELIVERED;
        }
        rxFailed(r, n);
        return DROPPED;
    }

    /**
     * The DMA enqueue: guest → guest in one copy when both ports share an access group, else out of a
     * host buffer (the staged frame, or a bounce copy made once per frame).
     */
    private int enqueueAsync(RingContext r, GatherList frame, int len) {
        RingContext src = null;
        int srcRec = -1;
        long flags = 0L;
        int slot = srcSlot;
        GatherList from = frame;
        if (slot < 0 && injecting == null) { // an injector slot is registered host memory already
            if (srcRing != null && PortState.sameGroup(srcRing.port, r.port)) {
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
            if (src.owner == this) {
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
        if (n == NetStatus.NO_BUFFERS) {
            r.counters.drop(DropReason.RX_NO_BUFFERS);
        } else if (n == NetStatus.TOO_BIG) {
            r.counters.drop(DropReason.RX_TOO_BIG);
        } else {
            r.counters.drop(DropReason.RX_RING_ERROR);
            breakRing(r, r.queue.lastError());
        }
    }

    private void flushUsed() {
        for (int i = 0; i < dirtyCount; i++) {
            RingContext r = dirty[i];
            dirty[i] = null;
            r.dirty = false;
            if (!r.stopped) {
                r.queue.publishUsed();
                notifyGuest(r);
            }
        }
        dirtyCount = 0;
    }

    private void notifyGuest(RingContext r) {
        if (r.queue.needsNotification()) {
            int fd = r.device.ring(r.ringIndex).callFd();
            if (fd >= 0) {
                EventFd.signal(fd);
            }
        }
    }

    private void handOff(Worker owner, PortState dst, int q, GatherList frame, int len) {
        Handoff h = owner.inbound[id];
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
            wake(owner);
            return;
        }
        int slot = len > Handoff.SLOT_BYTES ? -1 : h.claim();
        if (slot < 0) {
            dst.counters().rx(q).drop(DropReason.HANDOFF_FULL);
            return;
        }
        frame.copyTo(h.buffers(), Handoff.slotOffset(slot));
        h.publish(slot, len, dst.id(), q);
        wake(owner);
    }

    /**
     * Wakes {@code other} if it sleeps. The full fence orders our publication before the read of its
     * {@code sleeping} flag; it pairs with the fence between its store of the flag and its last check
     * of the queues in {@link #idle()}, so one of the two sides always sees the other.
     */
    static void wake(Worker other) {
        java.lang.invoke.VarHandle.fullFence();
        if (other.sleeping) {
            EventFd.signal(other.wakeFd);
        }
    }

    /** A copy reading chain {@code record} of TX ring {@code src} is over: release it (any owner). */
    void releaseSource(RingContext src, int record) {
        if (src.owner == this) {
            src.fifo.unref(record);
            retireTx(src);
        } else {
            giveBack(src, record);
        }
    }

    private void giveBack(RingContext src, int record) {
        if (!src.owner.returnsIn[id].offer(src, record)) {
            // the owner bounds its references to CAPACITY, so this cannot happen; never lose one silently
            throw new IllegalStateException("reference return queue full: worker=" + id + " owner=" + src.owner.id);
        }
        wake(src.owner);
    }

    private int drainReturns() {
        int n = 0;
        for (int w = 0; w < returnsIn.length; w++) {
            Returns r = returnsIn[w];
            if (r != null && r.pending()) {
                int k = r.drain(this);
                refsOut[w] -= k;
                n += k;
            }
        }
        return n;
    }

    private int drainHandoffs() {
        int work = 0;
        for (Handoff h : inbound) {
            if (h == null) {
                continue;
            }
            int slot;
            while ((slot = h.peek()) >= 0) {
                PortState dst = plane.port(h.port(slot));
                int len = h.length(slot);
                RingContext r = dst.rx(h.queuePair(slot));
                boolean ref = h.isRef(slot);
                RingContext src = ref ? h.source(slot) : null;
                int rec = ref ? h.sourceRecord(slot) : -1;
                if (r == null || r.owner != this || r.stopped || r.paused) {
                    dst.counters().rx(h.queuePair(slot)).drop(DropReason.RX_NOT_READY);
                } else {
                    if (ref) {
                        h.pieces(slot, handoffFrame);
                        srcRing = src;
                        srcRecord = rec;
                        refTaken = false;
                    } else {
                        handoffFrame.clear();
                        handoffFrame.add(h.buffers(), Handoff.slotOffset(slot), len);
                    }
                    enqueueLocal(r, handoffFrame, len);
                    srcRing = null;
                    releaseBounce();
                }
                h.release();
                if (ref && !refTaken) {
                    giveBack(src, rec); // copied (CPU) or dropped: the chain is free again
                }
                refTaken = false;
                work++;
            }
        }
        return work;
    }

    private void idle() {
        if (copiesInFlight()) {
            // never sleep with copies in flight; yield so an engine thread sharing the core runs
            Thread.yield();
            return;
        }
        long now = System.nanoTime();
        if (idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < SPIN_NANOS) {
            Thread.onSpinWait();
            return;
        }
        // Re-arm kicks on every TX ring, then re-check: a frame made available between our last
        // poll and the re-arm would otherwise never be kicked (the guest saw kicks suppressed).
        for (int i = 0; i < txCount; i++) {
            if (!tx[i].stopped) {
                tx[i].queue.enableNotifications();
            }
        }
        boolean work = !commands.isEmpty() || handoffPending() || returnsPending() || injectPending();
        for (int i = 0; i < txCount && !work; i++) {
            work = !tx[i].stopped && tx[i].queue.pending() != 0;
        }
        if (!work) {
            sleeping = true;
            // pairs with the fence in wake(): either the producer sees sleeping, or we see its entry
            java.lang.invoke.VarHandle.fullFence();
            if (handoffPending() || returnsPending() || injectPending()) {
                sleeping = false;
            } else {
                int ready = epoll.await(pollOnlyRings > 0 ? 1 : 1000);
                sleeping = false;
                for (int i = 0; i < ready; i++) {
                    EventFd.drain((int) epoll.data(i) < 0 ? wakeFd : (int) epoll.data(i));
                }
                stats.slept();
            }
        }
        for (int i = 0; i < txCount; i++) {
            if (!tx[i].stopped) {
                tx[i].queue.disableNotifications();
            }
        }
        idleSince = 0;
    }

    private boolean copiesInFlight() {
        if (drainingCount > 0) {
            return true;
        }
        for (int i = 0; i < asyncCount; i++) {
            if (async[i].copies.recordsOutstanding() > 0) {
                return true;
            }
        }
        return false;
    }

    private boolean returnsPending() {
        for (Returns r : returnsIn) {
            if (r != null && r.pending()) {
                return true;
            }
        }
        return false;
    }

    private boolean handoffPending() {
        for (Handoff h : inbound) {
            if (h != null && h.peek() >= 0) {
                return true;
            }
        }
        return false;
    }

    // ---- reactive API: the port tap and the injectors ----

    /** A guest TX frame of a tapped port: copied into the receiver's ring, or counted {@code receiver_full}. */
    private void tapFrame(RingContext r, PacketTap tap, int len) {
        if (tap.offer(r.queuePair, r.frame, len)) {
            r.counters.packet(len);
        } else {
            r.counters.drop(DropReason.RECEIVER_FULL);
        }
    }

    /** Takes every frame published on the injectors of the ports whose {@code rxq0} this worker owns. */
    private int drainInjected() {
        if (id != 0) {
            return 0;
        }
        int work = 0;
        for (PortState p : plane.ports()) {
            Injector in = p.injector();
            int slot;
            while (in != null && (slot = in.peek()) >= 0) {
                in.take(slot, enqueueInjected(p, in, slot));
                injectDirty = true;
                work++;
            }
        }
        return work;
    }

    private int enqueueInjected(PortState p, Injector in, int slot) {
        RingContext r = p.rx(0);
        int len = in.length(slot);
        if (r == null || r.owner != this || r.stopped) {
            p.counters().rx(0).drop(DropReason.RX_NOT_READY);
            return DROPPED;
        }
        if (len > Injector.SLOT_BYTES) {
            r.counters.drop(DropReason.RX_TOO_BIG);
            return DROPPED;
        }
        in.frame(slot, len, injectFrame);
        injecting = in;
        injectSlot = slot;
        int status = enqueueLocal(r, injectFrame, len);
        injecting = null;
        injectSlot = -1;
        return status;
    }

    /** An injected frame's DMA record completed (called by {@link AsyncRx}). */
    void injectFinished(Injector in, int slot, boolean ok) {
        in.finish(slot, ok);
        injectDirty = true;
    }

    /** After the used rings were published: lets the producers see which injected frames are final. */
    private void publishInjected() {
        injectDirty = false;
        for (PortState p : plane.ports()) {
            if (p.injector() != null) {
                p.injector().publishDone();
            }
        }
    }

    private boolean injectPending() {
        if (id != 0) {
            return false;
        }
        for (PortState p : plane.ports()) {
            Injector in = p.injector();
            if (in != null && in.pending()) {
                return true;
            }
        }
        return false;
    }

    private void breakRing(RingContext r, int code) {
        if (r.stopped) {
            return;
        }
        r.stopped = true;
        r.counters.ringError();
        int errFd = r.device.ring(r.ringIndex).errFd();
        if (errFd >= 0) {
            EventFd.signal(errFd);
        }
        LOG.log(Level.WARNING, "ring stopped on guest error: " + r.describe() + " error="
                + VirtqStatus.describe(code));
    }

    // ---- commands (run on this worker's thread, at its quiescent point) ----

    void attachRing(RingContext r) {
        int rc = r.queue.attach(r.device.memory(), true);
        if (rc != VirtqStatus.OK) {
            // not served; a later detach finds nothing and answers with the session's base
            r.stopped = true;
            r.counters.ringError();
            LOG.log(Level.WARNING, "ring not started: " + r.describe() + " error=" + VirtqStatus.describe(rc));
            return;
        }
        if (r.copies != null) {
            async[asyncCount++] = r;
        }
        if (r.guestTx) {
            tx[txCount++] = r;
            if (r.kickFd >= 0) {
                epoll.add(r.kickFd, Epoll.EPOLLIN, r.kickFd);
            } else {
                pollOnlyRings++;
            }
            r.queue.disableNotifications();
        } else {
            // RX kicks carry no information for us (we look for buffers when a frame arrives)
            r.queue.disableNotifications();
            r.port.setRx(r.queuePair, r);
        }
    }

    /**
     * Stops serving a ring: no new chain is taken and no new copy submitted. The ring's base is
     * reported once every copy it submitted, and every copy reading its TX chains, completed and every
     * taken chain was returned; {@code done} completes with it (or with the session's base when the ring was not attached).
     */
    void detachRing(io.vhostdma.vhost.protocol.VhostDevice device, int ringIndex, CompletableFuture<Integer> done) {
        RingContext r = null;
        if ((ringIndex & 1) == 1) {
            for (int i = 0; i < txCount; i++) {
                if (tx[i].device == device && tx[i].ringIndex == ringIndex) {
                    r = tx[i];
                    tx[i] = tx[--txCount];
                    tx[txCount] = null;
                    if (r.kickFd >= 0) {
                        epoll.remove(r.kickFd);
                    } else {
                        pollOnlyRings--;
                    }
                    break;
                }
            }
        } else {
            PortState port = plane.portOf(device);
            RingContext rx = port == null ? null : port.rx(ringIndex / 2);
            if (rx != null && rx.device == device && rx.ringIndex == ringIndex) {
                r = rx;
                port.setRx(ringIndex / 2, null);
            }
        }
        if (r == null) {
            done.complete(device.ring(ringIndex).lastAvailIndex()); // never attached: the session's base
            return;
        }
        r.detaching = done;
        if (r.rebound != null) {
            // the front end stops the ring while a rebind drains it: the stop wins (already draining)
            r.rebound.complete(false);
            r.rebound = null;
            return;
        }
        if (r.drained()) {
            finishDetach(r);
        } else {
            draining[drainingCount++] = r;
        }
    }

    /**
     * Moves a started ring to another channel (or to CPU copies when {@code binding} is null) without
     * stopping the guest: the ring stops taking work, drains its copies on the old channel, then runs
     * on the new one from where it stopped. {@code done} completes with true once it does, or with
     * false when the ring is not started (its next start uses the new binding) or stops meanwhile.
     */
    void rebindRing(PortState port, int ringIndex, ChannelBinding binding, CompletableFuture<Boolean> done) {
        RingContext r = startedRing(port, ringIndex);
        if (r == null || r.detaching != null || r.rebound != null) {
            done.complete(false);
            return;
        }
        r.paused = true;
        r.rebindTo = binding;
        r.rebound = done;
        if (r.drained()) {
            finishRebind(r);
        } else {
            draining[drainingCount++] = r;
        }
    }

    private RingContext startedRing(PortState port, int ringIndex) {
        if ((ringIndex & 1) == 0) {
            RingContext rx = port.rx(ringIndex / 2);
            return rx != null && rx.ringIndex == ringIndex && rx.owner == this ? rx : null;
        }
        for (int i = 0; i < txCount; i++) {
            if (tx[i].port == port && tx[i].ringIndex == ringIndex) {
                return tx[i];
            }
        }
        return null;
    }

    private void finishRebind(RingContext r) {
        removeAsync(r);
        if (r.dirty) {
            flushUsed();
        }
        RingContext next = new RingContext(r, r.rebindTo);
        if (next.copies != null) {
            async[asyncCount++] = next;
        }
        if (r.guestTx) {
            for (int i = 0; i < txCount; i++) {
                if (tx[i] == r) {
                    tx[i] = next;
                }
            }
        } else {
            r.port.setRx(r.queuePair, next);
        }
        r.rebound.complete(true);
        r.rebound = null;
    }

    private void removeAsync(RingContext r) {
        for (int i = 0; i < asyncCount; i++) {
            if (async[i] == r) {
                async[i] = async[--asyncCount];
                async[asyncCount] = null;
                break;
            }
        }
    }

    private void finishDrains() {
        for (int i = 0; i < drainingCount; ) {
            RingContext r = draining[i];
            if (r.drained()) {
                draining[i] = draining[--drainingCount];
                draining[drainingCount] = null;
                if (r.rebound != null) {
                    finishRebind(r);
                } else {
                    finishDetach(r);
                }
            } else {
                i++;
            }
        }
    }

    private void finishDetach(RingContext r) {
        removeAsync(r);
        if (r.dirty) {
            flushUsed();
        }
        r.queue.detach();
        r.detaching.complete(r.queue.lastAvailIndex());
    }
}
