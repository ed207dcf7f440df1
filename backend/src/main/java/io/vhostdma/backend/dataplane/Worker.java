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
    private int txCount;
    /** The TX ring being served (for fault containment). */
    private RingContext current;
    private int dirtyCount;
    private int pollOnlyRings;
    private long idleSince;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private final WorkerStats stats = new WorkerStats();

    Worker(int id, DataPlaneImpl plane, Forwarder forwarder, int cpu, int workers) {
        this.id = id;
        this.plane = plane;
        this.forwarder = forwarder;
        this.cpu = cpu;
        this.inbound = new Handoff[workers];
        epoll.add(wakeFd, Epoll.EPOLLIN, -1L);
    }

    /** This worker's index. */
    public int id() {
        return id;
    }

    /** Work reports for the busy ratio. */
    public WorkerStats stats() {
        return stats;
    }

    void setInbound(int fromWorker, Handoff h) {
        inbound[fromWorker] = h;
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
            } catch (RuntimeException e) {
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
    }

    /** One duty cycle; returns the number of packets moved (0 = idle). */
    int doWork() {
        Runnable c;
        while ((c = commands.poll()) != null) {
            c.run();
        }
        int work = drainHandoffs();
        for (int i = 0; i < txCount; i++) {
            current = tx[i];
            work += serveTx(current);
        }
        current = null;
        flushRx();
        return work;
    }

    /**
     * A ring's memory failed under us (e.g. an access to a table that was unmapped throws in this
     * thread instead of crashing the JVM): stop the ring being served, count it, keep the worker.
     */
    private void containFault(RuntimeException e) {
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
        LOG.log(Level.ERROR, "data-plane fault contained: worker=" + id
                + (r == null ? "" : " " + r.describe()) + " error=" + e);
    }

    private int serveTx(RingContext r) {
        if (r.stopped) {
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
        int n = Math.min(pending, BURST);
        int done = 0;
        for (; done < n; done++) {
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
                q.addUsed(head, NetTx.USED_LEN);
                done++;
                breakRing(r, VirtqStatus.ERR_BUFFER_DIRECTION);
                break;
            } else if (len < 0) {
                r.counters.drop(DropReason.TX_BAD_FRAME);
            } else if (!enabled) {
                r.counters.drop(DropReason.TX_DISABLED);
            } else {
                r.counters.packet(len);
                forwarder.forward(this, r, r.frame, len);
            }
            q.addUsed(head, NetTx.USED_LEN);
        }
        if (done > 0) {
            q.publishUsed();
            notifyGuest(r);
        }
        return done;
    }

    /** Delivers a frame into port {@code dst}'s RX queue for queue pair {@code qp} (any owner). */
    void deliver(PortState dst, int qp, GatherList frame, int len) {
        int q = qp % dst.queuePairs();
        RingContext r = dst.rx(q);
        if (r == null && q != 0) {
            q = 0;
            r = dst.rx(0);
        }
        if (r == null || r.stopped) {
            dst.counters().rx(q).drop(DropReason.RX_NOT_READY);
            return;
        }
        if (r.owner != this) {
            handOff(r.owner, dst, q, frame, len);
            return;
        }
        enqueueLocal(r, frame, len);
    }

    private void enqueueLocal(RingContext r, GatherList frame, int len) {
        if (!r.enabled()) {
            r.counters.drop(DropReason.RX_NOT_READY);
            return;
        }
        int mtu = r.device.mtu();
        if (mtu > 0 && len > mtu + ETHERNET_HEADER) {
            // NET_SET_MTU negotiated: the guest may not accept a longer frame (no GSO is offered)
            r.counters.drop(DropReason.RX_TOO_BIG);
            return;
        }
        int n = NetRx.enqueue(r.queue, r.device.memory(), frame, r.device.mergeable(),
                r.device.headerLength(), r.rxScratch);
        if (n > 0) {
            r.counters.packet(len);
            if (!r.dirty) {
                r.dirty = true;
                dirty[dirtyCount++] = r;
            }
        } else if (n == NetStatus.NO_BUFFERS) {
            r.counters.drop(DropReason.RX_NO_BUFFERS);
        } else if (n == NetStatus.TOO_BIG) {
            r.counters.drop(DropReason.RX_TOO_BIG);
        } else {
            r.counters.drop(DropReason.RX_RING_ERROR);
            breakRing(r, r.queue.lastError());
        }
    }

    private void flushRx() {
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
        int slot = len > Handoff.SLOT_BYTES ? -1 : h.claim();
        if (slot < 0) {
            dst.counters().rx(q).drop(DropReason.HANDOFF_FULL);
            return;
        }
        frame.copyTo(h.buffers(), Handoff.slotOffset(slot));
        h.publish(slot, len, dst.id(), q);
        if (owner.sleeping) {
            EventFd.signal(owner.wakeFd);
        }
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
                if (r == null || r.owner != this || r.stopped) {
                    dst.counters().rx(h.queuePair(slot)).drop(DropReason.RX_NOT_READY);
                } else {
                    handoffFrame.clear();
                    handoffFrame.add(h.buffers(), Handoff.slotOffset(slot), len);
                    enqueueLocal(r, handoffFrame, len);
                }
                h.release();
                work++;
            }
        }
        return work;
    }

    private void idle() {
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
        boolean work = !commands.isEmpty() || handoffPending();
        for (int i = 0; i < txCount && !work; i++) {
            work = !tx[i].stopped && tx[i].queue.pending() != 0;
        }
        if (!work) {
            sleeping = true;
            int ready = epoll.await(pollOnlyRings > 0 ? 1 : 1000);
            sleeping = false;
            for (int i = 0; i < ready; i++) {
                EventFd.drain((int) epoll.data(i) < 0 ? wakeFd : (int) epoll.data(i));
            }
            stats.slept();
        }
        for (int i = 0; i < txCount; i++) {
            if (!tx[i].stopped) {
                tx[i].queue.disableNotifications();
            }
        }
        idleSince = 0;
    }

    private boolean handoffPending() {
        for (Handoff h : inbound) {
            if (h != null && h.peek() >= 0) {
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

    int detachRing(io.vhostdma.vhost.protocol.VhostDevice device, int ringIndex) {
        if ((ringIndex & 1) == 1) {
            for (int i = 0; i < txCount; i++) {
                RingContext r = tx[i];
                if (r.device == device && r.ringIndex == ringIndex) {
                    tx[i] = tx[--txCount];
                    tx[txCount] = null;
                    if (r.kickFd >= 0) {
                        epoll.remove(r.kickFd);
                    } else {
                        pollOnlyRings--;
                    }
                    r.queue.detach();
                    return r.queue.lastAvailIndex();
                }
            }
            return -1;
        }
        PortState port = plane.portOf(device);
        RingContext r = port == null ? null : port.rx(ringIndex / 2);
        if (r == null || r.device != device || r.ringIndex != ringIndex) {
            return -1;
        }
        flushRx();
        port.setRx(ringIndex / 2, null);
        r.queue.detach();
        return r.queue.lastAvailIndex();
    }
}
