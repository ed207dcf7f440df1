package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.internal.sys.Affinity;
import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.net.NetStatus;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.VirtqStatus;
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
 */
public final class Worker implements Runnable {
    static final int BURST = 32;
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");
    private static final long SPIN_NANOS = Long.getLong("vhostd.idleSpinMicros", 200L) * 1000L;

    final int id;
    private final int cpu;
    private final Epoll epoll = new Epoll(64);
    private final int wakeFd = EventFd.create();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final RingContext[] dirty = new RingContext[OwnedRings.MAX_RINGS];
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
        if (delivery.abandon()) {
            reactive.injectDirty = true;
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
                reactive.tapFrame(r, tap, len);
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
                delivery.forwardTx(r, fifo.open(head), len);
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

    /** Publishes the used rings filled this cycle and notifies their guests. */
    void flushUsed() {
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
            if (!rings.tx[i].stopped) {
                rings.tx[i].queue.enableNotifications();
            }
        }
        boolean work = !commands.isEmpty() || delivery.handoffPending() || delivery.returnsPending()
                || reactive.injectPending();
        for (int i = 0; i < rings.txCount && !work; i++) {
            work = !rings.tx[i].stopped && rings.tx[i].queue.pending() != 0;
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
                    EventFd.drain((int) epoll.data(i) < 0 ? wakeFd : (int) epoll.data(i));
                }
                stats.slept();
            }
        }
        for (int i = 0; i < rings.txCount; i++) {
            if (!rings.tx[i].stopped) {
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
            EventFd.signal(errFd);
        }
        LOG.log(Level.WARNING, "ring stopped on guest error: " + r.describe() + " error="
                + VirtqStatus.describe(code));
    }
}
