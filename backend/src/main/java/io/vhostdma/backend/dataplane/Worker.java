package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.internal.sys.Affinity;
import io.vhostdma.vhost.internal.sys.AioNotifier;
import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.virtq.PathStatus;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.PathStatus;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A poll-mode data-plane agent. Its duty cycle: run pending commands (its quiescent point), drain
 * frames handed over by other workers, serve each owned guest-TX ring with a bounded burst
 * (forwarding every frame), publish the RX rings it filled and notify guests, then idle adaptively.
 * The rings it owns and their lifecycle commands are kept by {@link OwnedRings}, the delivery of
 * forwarded frames (local enqueue, DMA, hand-off to other workers) by {@link Delivery}, the reactive
 * API's tap and injectors by {@link ReactivePath}; all three run on this worker's thread only.
 *
 * <p>Nothing a front end hands over can block it: guests are notified through {@link AioNotifier} (the kernel
 * signals the call and err eventfds; a refused signal is counted {@code notify_dropped}), kick eventfds are
 * watched edge-triggered and never read, each ring walks at most its descriptor budget per cycle, and whatever
 * the data path throws — a fault in guest memory a front end shrank included — is contained by
 * {@link FaultContainment} to the ring or port it came from.
 */
public final class Worker implements Runnable {
    static final int BURST = 32;
    /** Guest notifications submitted in one system call (a fuller cycle submits more than one batch). */
    private static final int SIGNAL_BATCH = 64;
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");
    private static final long SPIN_NANOS = Long.getLong("vhostd.idleSpinMicros", 200L) * 1000L;

    final int id;
    private final int cpu;
    private final Epoll epoll = new Epoll(64);
    private final int wakeFd = EventFd.create();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final RingContext[] dirty = new RingContext[OwnedRings.MAX_RINGS];
    /** Guest notifications of this cycle, in batches; {@link #signalled}[i] is the ring of signal i. */
    private final AioNotifier notifier = new AioNotifier(SIGNAL_BATCH);
    private final RingContext[] signalled = new RingContext[SIGNAL_BATCH];
    /** What happens when the data path throws. */
    private final FaultContainment faults;
    /** Duty cycles run (worker-local): each ring refills its descriptor budget once per cycle. */
    long cycle;
    private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
    /** Worker-local scratch for the forwarder: the frame's Ethernet header, read once. */
    final io.vhostdma.vhost.net.EthernetHeader ethernet = new io.vhostdma.vhost.net.EthernetHeader();
    /** Worker-local host buffer (sink forwarding). */
    final java.lang.foreign.MemorySegment hostBuffer = SinkForwarder.newBuffer(arena);
    /** At this cycle's last completion poll, submitted copies were still outstanding. */
    private boolean engineLagging;
    /** The TX ring being served (for fault containment). */
    private RingContext current;
    private int dirtyCount;
    private long idleSince;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private final WorkerStats stats = new WorkerStats();
    /** Host buffers for DMA copies that need host memory (registered with every DMA device). */
    final StagingPool pool = new StagingPool();
    private final boolean sink;
    /** The rings this worker owns (TX, channel-bound, draining) and their lifecycle commands. */
    final OwnedRings rings;
    /** Forwarded frames into owned RX rings, over DMA, or to other workers. */
    final Delivery delivery;
    /** The reactive API: port taps and injectors. */
    final ReactivePath reactive;

    Worker(int id, DataPlaneImpl plane, Forwarder forwarder, int cpu, int workers, boolean sink) {
        this.id = id;
        this.sink = sink;
        this.cpu = cpu;
        this.rings = new OwnedRings(this, plane, epoll);
        this.delivery = new Delivery(this, plane, forwarder, pool, workers);
        this.reactive = new ReactivePath(this, plane, delivery);
        this.faults = new FaultContainment(this, plane);
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
            try {
                int work = doWork();
                if (work > 0) {
                    stats.busy(work);
                    idleSince = 0;
                } else {
                    stats.idle();
                    idle();
                }
            } catch (Throwable t) {
                // anything but a VM error of our own (out of memory, stack overflow) is contained to the ring or
                // port it came from; InternalError is how HotSpot reports a fault (SIGBUS) in a memory access
                FaultContainment.rethrowIfFatal(t);
                RingContext r = current;
                current = null;
                try {
                    faults.contain(r, t);
                } catch (RuntimeException | Error again) {
                    FaultContainment.rethrowIfFatal(again);
                    LOG.log(Level.ERROR, "data-plane fault containment failed: worker=" + id + " error=" + t
                            + " then=" + again);
                }
            }
        }
        release();
    }

    /** Frees the worker's own resources: at the end of {@link #run()}, or for a worker that never started. */
    void release() {
        epoll.close();
        Fds.close(wakeFd);
        arena.close();
        pool.close();
        notifier.close();
        faults.close();
    }

    /** One duty cycle; returns the number of packets moved (0 = idle). */
    int doWork() {
        cycle++;
        Runnable c;
        while ((c = commands.poll()) != null) {
            c.run();
        }
        int work = delivery.drainReturns() + delivery.drainHandoffs() + reactive.drainInjected() + pollCopies();
        for (int i = 0; i < rings.txCount; i++) {
            current = rings.tx[i];
            work += serveTx(current);
        }
        current = null;
        if (rings.asyncCount > 0) {
            for (int i = 0; i < rings.asyncCount; i++) {
                rings.async[i].copies.submit(); // one doorbell per channel per burst
            }
            // copies that already landed (the cpu engine runs them inside copy()) are used this cycle
            work += pollCopies();
        }
        flushUsed();
        if (reactive.injectDirty) {
            reactive.publishInjected();
        }
        if (rings.drainingCount > 0) {
            rings.finishDrains();
        }
        if (engineLagging) {
            // submitted copies are still running: an engine thread may share this core (the sw engine
            // on small machines), so give it the CPU instead of spinning past it
            Thread.yield();
        }
        return work;
    }

    private int serveTx(RingContext r) {
        if (r.stopped || r.paused) {
            return 0;
        }
        if (r.device.faulted()) {
            faults.stopFaulted(r); // a worker found the front end's memory faulting: never touch it again
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
        q.refillBudget(); // served once per duty cycle
        GuestMemory mem = r.device.memory();
        int hdrLen = r.device.headerLength();
        boolean enabled = r.enabled();
        boolean stages = r.asyncTx != null && (sink || r.port.segment() == PortState.DEFAULT_SEGMENT);
        PacketTap tap = r.port.tap(); // once per burst: a removed tap is not seen after our next quiescent point
        int n = Math.min(pending, BURST);
        int done = 0;
        for (; done < n; done++) {
            if (!r.fifo.hasRoom() || (stages && !r.asyncTx.ready(pool))) {
                break; // back-pressure: the guest's chains wait in its ring
            }
            int mark = q.availMark();
            int head = q.pop(mem, r.chain);
            if (head < 0) {
                done += popFailed(r, head);
                break;
            }
            int next = takeGuarded(r, head, hdrLen, enabled, stages, tap);
            if (next == STOP) {
                q.rewindTo(mark); // taken again next cycle
            }
            if (next != NEXT) {
                done += next == STOP_TAKEN ? 1 : 0;
                break;
            }
        }
        retireTx(r);
        return done;
    }

    /** {@link #take} results: go on with the burst, stop it (the chain was given back), stop it (chain taken). */
    private static final int NEXT = 0;
    private static final int STOP = 1;
    private static final int STOP_TAKEN = 2;

    /**
     * {@link #take}, and if it throws, the chain it took still gets its FIFO record: it is returned (used len 0)
     * with the ring's other chains, so the ring drains.
     */
    private int takeGuarded(RingContext r, int head, int hdrLen, boolean enabled, boolean stages, PacketTap tap) {
        long opened = r.fifo.opened();
        try {
            return take(r, head, hdrLen, enabled, stages, tap);
        } catch (RuntimeException | Error e) {
            if (r.fifo.opened() == opened) {
                r.fifo.open(head);
            }
            throw e;
        }
    }

    /** Forwards (or drops, taps, stages) the frame of the chain just popped from TX ring {@code r}. */
    private int take(RingContext r, int head, int hdrLen, boolean enabled, boolean stages, PacketTap tap) {
        TxFifo fifo = r.fifo;
        int len = NetTx.frame(r.chain, hdrLen, r.frame, r.cursor);
        if (len == PathStatus.ERR_BUFFER_DIRECTION) {
            r.counters.drop(DropReason.TX_BAD_FRAME);
            fifo.open(head);
            fifo.retire(r);
            r.queue.publishUsed();
            notifyGuest(r);
            breakRing(r, PathStatus.ERR_BUFFER_DIRECTION);
            return STOP_TAKEN;
        } else if (len < 0) {
            r.counters.drop(DropReason.TX_BAD_FRAME);
            fifo.open(head);
        } else if (!enabled) {
            r.counters.drop(DropReason.TX_DISABLED);
            fifo.open(head);
        } else if (tap != null) {
            reactive.tapFrame(r, tap, len);
            fifo.open(head);
        } else if (stages) {
            if (len > StagingPool.SLOT_BYTES) {
                r.counters.drop(DropReason.NO_HOST_BUFFER);
                fifo.open(head);
            } else if (!r.asyncTx.canStage(r.frame, pool)) {
                return STOP;
            } else {
                r.asyncTx.stage(r.frame, len, fifo.open(head), pool);
            }
        } else {
            r.counters.packet(len);
            delivery.forwardTx(r, fifo.open(head), len);
        }
        return NEXT;
    }

    /**
     * A TX pop that took no chain: empty, over a descriptor budget (a chain over its frame's budget is taken
     * and dropped, counted {@code budget}), or a guest error. Returns the chains taken (0 or 1).
     */
    private int popFailed(RingContext r, int code) {
        if (code == PathStatus.FRAME_OVER_BUDGET) {
            r.counters.drop(DropReason.BUDGET);
            r.fifo.open(r.queue.skipHead(r.chain));
            r.budgetExceeded();
            return 1;
        }
        if (code == PathStatus.OVER_BUDGET) {
            r.budgetExceeded(); // the rest waits for the next cycle
        } else if (code != PathStatus.EMPTY) {
            breakRing(r, code);
        }
        return 0;
    }

    /** Returns the finished chains at the head of a TX ring's FIFO; the ring is published at the flush. */
    void retireTx(RingContext r) {
        if (r.fifo.retire(r) > 0) {
            markDirty(r);
        }
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
        for (int i = 0; i < rings.asyncCount; i++) {
            RingContext r = rings.async[i];
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

    /**
     * Publishes the used rings filled this cycle and notifies their guests (one system call for every signal).
     * A ring whose guest memory faults here is stopped alone; the others are still published.
     */
    void flushUsed() {
        while (dirtyCount > 0) {
            RingContext r = dirty[--dirtyCount];
            dirty[dirtyCount] = null;
            r.dirty = false;
            if (r.live()) {
                try {
                    r.queue.publishUsed();
                    notifyGuest(r);
                } catch (RuntimeException | Error e) {
                    FaultContainment.rethrowIfFatal(e);
                    faults.ringFault(r, e);
                }
            }
        }
        flushSignals();
    }

    private void notifyGuest(RingContext r) {
        if (r.queue.needsNotification()) {
            int fd = r.device.ring(r.ringIndex).callFd(); // read once: a replaced fd is closed after a quiesce
            if (fd >= 0) {
                signal(fd, r);
            }
        }
    }

    /** Queues a signal of the front end's eventfd {@code fd} (ring {@code r}'s call or err fd) for this cycle. */
    void signal(int fd, RingContext r) {
        int i = notifier.add(fd);
        if (i < 0) {
            flushSignals();
            i = notifier.add(fd);
        }
        signalled[i] = r;
    }

    /** Submits the queued guest notifications; each one the kernel refused is counted on its ring. */
    void flushSignals() {
        if (notifier.count() == 0) {
            return;
        }
        int n = notifier.submit();
        for (int i = 0; i < n; i++) {
            if (notifier.failed(i)) {
                signalled[i].counters.countNotifyDropped();
            }
            signalled[i] = null;
        }
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

    private void idle() {
        if (rings.copiesInFlight()) {
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
        for (int i = 0; i < rings.txCount; i++) {
            if (rings.tx[i].live()) {
                rings.tx[i].queue.enableNotifications();
            }
        }
        boolean work = !commands.isEmpty() || delivery.handoffPending() || delivery.returnsPending()
                || reactive.injectPending();
        for (int i = 0; i < rings.txCount && !work; i++) {
            work = rings.tx[i].live() && rings.tx[i].queue.pending() != 0;
        }
        if (!work) {
            sleeping = true;
            // pairs with the fence in wake(): either the producer sees sleeping, or we see its entry
            java.lang.invoke.VarHandle.fullFence();
            if (delivery.handoffPending() || delivery.returnsPending() || reactive.injectPending()) {
                sleeping = false;
            } else {
                int ready = epoll.await(rings.pollOnlyRings > 0 ? 1 : 1000);
                sleeping = false;
                for (int i = 0; i < ready; i++) {
                    if (epoll.data(i) < 0) {
                        EventFd.drain(wakeFd); // our own eventfd; kick fds are edge-triggered and never read
                    }
                }
                stats.slept();
            }
        }
        for (int i = 0; i < rings.txCount; i++) {
            if (rings.tx[i].live()) {
                rings.tx[i].queue.disableNotifications();
            }
        }
        idleSince = 0;
    }

    /** Stops a ring on a guest error: counted, its error eventfd signalled, logged once. */
    static void breakRing(RingContext r, int code) {
        if (r.stopped) {
            return;
        }
        r.stopped = true;
        r.counters.ringError();
        int errFd = r.device.ring(r.ringIndex).errFd();
        if (errFd >= 0) {
            r.owner.signal(errFd, r); // submitted with this cycle's notifications
        }
        LOG.log(Level.WARNING, "ring stopped on guest error: " + r.describe() + " error="
                + PathStatus.describe(code));
    }
}
