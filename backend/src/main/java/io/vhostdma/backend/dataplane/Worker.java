package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.agent.CpuAffinity;
import io.vhostdma.vhost.agent.Poller;
import io.vhostdma.vhost.net.EthernetHeader;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A poll-mode data-plane agent. Its duty cycle ({@link #doWork}): run pending commands (its quiescent point); take
 * back the hand-off slots other workers are done with; deliver the frames they handed over and the reactive API's
 * sends; complete finished DMA records; serve each owned guest-TX ring with a bounded burst — take a frame
 * ({@link TxRing#take}), let the switch decide where it goes ({@link Switch#decide}), deliver it
 * ({@link Delivery#deliver}); ring the channels' doorbells; publish the rings that changed and notify their
 * guests ({@link DirtyList}, {@link GuestSignals}); then idle adaptively ({@link Idler}).
 *
 * <p>Every stage is handed what it works on — the frame's origin ({@link FrameSource}), the dirty list, the
 * signals — and returns a result; none calls back into the worker. The worker runs on its own thread, or, in the
 * stepped threading mode, one duty cycle per {@link DataPlaneImpl#step()} on the caller's thread (tests).
 *
 * <p>Nothing a front end hands over can block it: guests are notified through the kernel ({@link GuestSignals}),
 * kick eventfds are watched edge-triggered and never read, each ring walks at most its descriptor budget per
 * cycle, and whatever the data path throws is contained by {@link FaultContainment} to the ring or port it came
 * from.
 */
public final class Worker implements Runnable {
    static final int BURST = 32;
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");

    final int id;
    private final int cpu;
    private final DataPlaneImpl plane;
    private final Switch sw;
    private final boolean sink;
    final Poller epoll = new Poller(64);
    /** The sleep/wake hand-shake with everyone who publishes work for this worker. */
    final Wakeup wakeup = new Wakeup();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    final DirtyList dirty = new DirtyList();
    final GuestSignals signals = new GuestSignals();
    private final Arena arena = Arena.ofShared();
    /** Host buffers for DMA copies that need host memory (registered with every DMA device). */
    final StagingPool pool = new StagingPool();
    /** The bytes of the announcement being forwarded (SEND_RARP; worker-local). */
    private final io.vhostdma.dma.sg.GatherList announcement = new io.vhostdma.dma.sg.GatherList(1);
    /** Checksums and GSO segmentation done in software for receivers that did not negotiate them. */
    final RxOffload rxOffload = new RxOffload();
    /** The rings this worker owns (TX, channel-bound, draining) and their lifecycle commands. */
    final OwnedRings rings;
    final Delivery delivery;
    /** Links from the other workers to this one, by the giver's id (null for this worker). */
    final HandoffLink[] inbound;
    private final FaultContainment faults;
    private final Idler idler;
    // the reused values a frame travels in (worker-local)
    private final FrameSource src = new FrameSource();
    private final Destinations dests = new Destinations(64);
    private final EthernetHeader eth = new EthernetHeader();
    private final WorkerStats stats = new WorkerStats();
    /** Duty cycles run (worker-local): each ring refills its descriptor budget once per cycle. */
    long cycle;
    /** The TX ring being served (for fault containment), or null. */
    private TxRing current;
    /** At this cycle's last completion poll, submitted copies were still outstanding. */
    private boolean engineLagging;
    private volatile boolean running = true;

    Worker(int id, DataPlaneImpl plane, Switch sw, int cpu, int workers, boolean sink) {
        this.id = id;
        this.cpu = cpu;
        this.plane = plane;
        this.sw = sw;
        this.sink = sink;
        this.rings = new OwnedRings(this, plane, epoll);
        this.delivery = new Delivery(this, plane, pool, arena.allocate(65536 + 4096, 64), workers);
        this.inbound = new HandoffLink[workers];
        this.faults = new FaultContainment(this, plane);
        this.idler = new Idler(this);
        epoll.watchReadable(wakeup.fd, -1L);
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
        wakeup.wake();
    }

    CompletableFuture<Void> quiesce() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(() -> f.complete(null));
        return f;
    }

    void stop() {
        running = false;
        wakeup.signalNow();
    }

    @Override
    public void run() {
        if (cpu >= 0) {
            CpuAffinity.pinCurrentThread(cpu);
        }
        idler.reset();
        while (running) {
            int work = step();
            if (work > 0) {
                idler.reset();
            } else {
                idler.idle();
            }
        }
        release();
    }

    /** One duty cycle with its faults contained; returns the work done (0 = idle). */
    int step() {
        try {
            int work = doWork();
            if (work > 0) {
                stats.busy(work);
            } else {
                stats.idle();
            }
            return work;
        } catch (Throwable t) {
            // anything but a VM error of our own (out of memory, stack overflow) is contained to the ring or
            // port it came from; InternalError is how HotSpot reports a fault (SIGBUS) in a memory access
            FaultContainment.rethrowIfFatal(t);
            TxRing r = current;
            current = null;
            try {
                faults.contain(r, t);
            } catch (RuntimeException | Error again) {
                FaultContainment.rethrowIfFatal(again);
                LOG.log(Level.ERROR, "data-plane fault containment failed: worker=" + id + " error=" + t
                        + " then=" + again);
            }
            return 1;
        }
    }

    /** Frees the worker's own resources: at the end of {@link #run()}, or for a worker that never ran. */
    void release() {
        epoll.close();
        wakeup.close();
        arena.close();
        pool.close();
        signals.close();
        faults.close();
    }

    /** One duty cycle; returns the number of frames moved and records completed (0 = idle). */
    int doWork() {
        cycle++;
        Runnable c;
        while ((c = commands.poll()) != null) {
            c.run();
        }
        int work = drainReturned() + drainHandoffs() + drainInjected() + completeCopies();
        for (int i = 0; i < rings.txCount; i++) {
            current = rings.tx[i];
            work += serveTx(current);
        }
        current = null;
        if (rings.asyncCount > 0) {
            for (int i = 0; i < rings.asyncCount; i++) {
                rings.async[i].copies.submit(); // one doorbell per channel per burst
            }
            work += completeCopies(); // copies that already landed (the cpu engine) are used this cycle
        }
        flushUsed();
        if (rings.drainingCount > 0) {
            rings.finishDrains();
        }
        if (engineLagging) {
            // submitted copies are still running: an engine thread may share this core (the sw engine on small
            // machines), so give it the CPU instead of spinning past it
            Thread.yield();
        }
        return work;
    }

    /** Serves one guest-TX ring: up to {@link #BURST} chains, each taken, decided and delivered in turn. */
    private int serveTx(TxRing r) {
        if (r.device.faulted()) {
            faults.stopFaulted(r); // a worker found the front end's memory faulting: never touch it again
            return 0;
        }
        r.reclaimLent(dirty); // chains a lending receiver freed go back first
        int n = r.beginBurst(cycle, BURST, sink, signals);
        int done = 0;
        while (done < n && r.canTake(pool)) {
            int st = r.take(src, pool, cycle, signals, dirty);
            if (st == TxRing.STOP) {
                break;
            }
            done++;
            if (st == TxRing.FORWARD) {
                forward(src);
            } else if (st == TxRing.TAKEN_LAST) {
                break;
            }
        }
        r.fifo.retire(dirty);
        r.endBurst(); // packet counts visible to readers; a reactive receiver the burst fed is woken
        return done;
    }

    /**
     * SEND_RARP (a command, run at the start of a duty cycle): a RARP frame from {@code mac} enters the switch as
     * port {@code p}'s, so the switch learns the MAC on {@code p} and floods the frame to the peers; without a free
     * staging slot it is dropped and counted ({@code no_host_buffer}) on the port's {@code txq0}.
     */
    void announce(PortState p, long mac) {
        StagingPool.Slot slot = pool.take();
        if (slot == null) {
            p.counters().tx(0).drop(io.vhostdma.backend.stats.DropReason.NO_HOST_BUFFER);
            return;
        }
        int len = io.vhostdma.vhost.net.RarpFrame.write(slot.memory(), slot.offset(), mac);
        announcement.set(slot.memory(), slot.offset(), len);
        forward(src.fromAnnouncement(p, announcement, len, slot));
    }

    /** Decides where the frame goes and delivers it; then the taker's hold on it ends. */
    private void forward(FrameSource frame) {
        try {
            if (sw.decide(frame, eth, dests) > 0) {
                delivery.deliver(frame, dests, cycle, signals, dirty);
            }
        } finally {
            frame.finish(dirty);
        }
    }

    /** Takes back the hand-off slots other workers are done with (their chains' holds end). */
    private int drainReturned() {
        int n = 0;
        for (HandoffLink link : delivery.outbound) {
            if (link != null) {
                n += link.drainReturned(dirty);
            }
        }
        return n;
    }

    /** Delivers the frames other workers handed over. */
    private int drainHandoffs() {
        int work = 0;
        for (HandoffLink link : inbound) {
            HandoffLink.Slot s;
            while (link != null && (s = link.poll()) != null) {
                src.fromHandoff(s.frame, s.length, s.source, s);
                src.offload.copyFrom(s.offload);
                try {
                    delivery.handedOff(src, s, cycle, signals, dirty);
                } finally {
                    src.finish(dirty); // even when the copy faulted: the slot goes back, the source ring drains
                }
                work++;
            }
        }
        return work;
    }

    /** Worker 0 (the owner of every {@code rxq0}): enqueues the frames the reactive API sent. */
    private int drainInjected() {
        if (id != 0) {
            return 0;
        }
        int work = 0;
        for (PortState p : plane.ports()) {
            Injector in = p.injector();
            Injector.Slot s;
            while (in != null && (s = in.poll()) != null) {
                src.fromInjector(s.frame, s.length, s);
                src.offload.copyFrom(s.offload);
                try {
                    deliverInjected(p, s.length);
                } finally {
                    src.finish(dirty); // a frame whose copy faulted is dropped, never retried
                }
                work++;
            }
        }
        return work;
    }

    private void deliverInjected(PortState p, int len) {
        RxRing r = p.rx(0);
        if (r == null || r.owner != this || !r.live()) {
            p.counters().rx(0).drop(io.vhostdma.backend.stats.DropReason.RX_NOT_READY);
        } else if (len > Injector.MAX_FRAME) {
            r.counters.drop(io.vhostdma.backend.stats.DropReason.RX_TOO_BIG);
        } else if (src.offload.validate(len, io.vhostdma.vhost.net.VirtioNetFeatures.OFFLOADS) != 0) {
            r.counters.drop(io.vhostdma.backend.stats.DropReason.TX_BAD_OFFLOAD);
        } else {
            delivery.enqueue(r, src, cycle, signals, dirty);
        }
    }

    /** Completes the DMA records that finished on every bound ring; staged frames are forwarded. */
    private int completeCopies() {
        int work = 0;
        boolean lagging = false;
        for (int i = 0; i < rings.asyncCount; i++) {
            OwnedRing r = rings.async[i];
            if (!r.guestTx()) {
                work += ((RxRing) r).complete(dirty);
            } else {
                DmaStaging staging = ((TxRing) r).staging;
                if (staging.poll()) {
                    while (staging.next(src, dirty)) {
                        forward(src);
                        work++;
                    }
                }
                ((TxRing) r).fifo.retire(dirty);
            }
            lagging |= r.copiesOutstanding();
        }
        engineLagging = lagging;
        return work;
    }

    /**
     * Publishes the used rings changed this cycle (and their packet counters) and notifies their guests (one
     * system call for every signal), then hands the final send-ring slots back. A ring whose guest memory
     * faults here is stopped alone.
     */
    void flushUsed() {
        OwnedRing r;
        while ((r = dirty.poll()) != null) {
            r.counters.publish(); // the burst's packet counts, with the ring (even a stopped one)
            if (r.live()) {
                try {
                    r.queue.publishUsed();
                    signals.notifyIfWanted(r);
                } catch (RuntimeException | Error e) {
                    FaultContainment.rethrowIfFatal(e);
                    faults.ringFault(r, e);
                }
            }
        }
        signals.flush();
        dirty.returnSlots();
    }

    /** Whether another thread published work for this worker (commands, hand-offs, returns, sends). */
    boolean workPublished() {
        if (!commands.isEmpty()) {
            return true;
        }
        for (int w = 0; w < inbound.length; w++) {
            HandoffLink in = inbound[w];
            HandoffLink out = delivery.outbound[w];
            if ((in != null && in.pending()) || (out != null && out.returnsPending())) {
                return true;
            }
        }
        for (int i = 0; i < rings.txCount; i++) {
            if (rings.tx[i].reclaimPending()) {
                return true; // a lending receiver freed chains
            }
        }
        if (id == 0) {
            for (PortState p : plane.ports()) {
                Injector in = p.injector();
                if (in != null && in.pending()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether one of this worker's TX rings feeds a reactive receiver (a tap is installed on its port). */
    boolean feedsReceiver() {
        for (int i = 0; i < rings.txCount; i++) {
            if (rings.tx[i].port.tap() != null) {
                return true;
            }
        }
        return false;
    }

    /** Wakes {@code other} if it sleeps (after publishing work for it). */
    static void wake(Worker other) {
        other.wakeup.wake();
    }
}
