package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.protocol.VringConfig;
import io.vhostdma.vhost.virtq.PackedVirtqueue;
import io.vhostdma.vhost.virtq.PathStatus;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.Virtqueue;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * One started ring in the data plane, owned by one worker: its virtqueue (whose broken state is the ring's only
 * one), counters, DMA binding and lifecycle state. Created by the control plane at attach (all allocation happens
 * there), then used only by its owner. A ring completes its own work: it adds used elements, returns chains and
 * puts itself on the {@link DirtyList} it is handed; it never calls back into the worker.
 */
abstract class OwnedRing {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dataplane");

    final VhostDevice device;
    final PortState port;
    final int ringIndex;
    final int queuePair;
    final Virtqueue queue;
    final QueueCounters counters;
    final Worker owner;
    final int kickFd;
    /** The bound channel's copies, or null while the CPU copies (swapped by a live rebind once drained). */
    CopyQueue copies;
    /** The bound channel may touch only fixed-size (sealed) guest memory ({@link SealedMemoryRule}). */
    boolean sealedOnly;
    /** Set by a detach while work is outstanding: completed once the ring drained (owner-local). */
    CompletableFuture<Integer> detaching;
    /** Used elements were added and not yet published (owner-local; {@link DirtyList}). */
    boolean dirty;
    /**
     * Set while a live rebind drains the ring: no chain is taken and frames for it are dropped as
     * {@code rx_not_ready} (written by the owner; read by other workers only to route, a plain read).
     */
    boolean paused;
    /** The binding a live rebind moves the ring to, and the rebind's completion (owner-local). */
    ChannelBinding rebindTo;
    CompletableFuture<Boolean> rebound;
    /** The stop was counted, signalled and logged (once; the broken state itself is the virtqueue's). */
    private boolean stopReported;
    /** The owner's duty cycle in which the ring last refilled its descriptor budget, and last counted a trip. */
    private long budgetCycle = -1;
    private long budgetTripCycle = -1;

    OwnedRing(VhostDevice device, PortState port, int ringIndex, Worker owner, QueueCounters counters) {
        this.device = device;
        this.port = port;
        this.ringIndex = ringIndex;
        this.queuePair = ringIndex / 2;
        this.owner = owner;
        this.counters = counters;
        VringConfig cfg = device.ring(ringIndex);
        this.kickFd = cfg.kickFd();
        Virtqueue q = device.packed() ? new PackedVirtqueue(ringIndex) : new SplitVirtqueue(ringIndex);
        q.configure(cfg.size(), cfg.descUva(), cfg.availUva(), cfg.usedUva());
        q.setFeatures(device.eventIdx(), device.indirect());
        q.setLastAvailIndex(cfg.lastAvailIndex());
        q.batchInOrder(device.inOrder() && ringIndex % 2 == 1); // guest TX: every used len is 0
        q.writeLog(device.dirtyLog().forRing(ringIndex)); // dirty logging (migration); one volatile read while off
        this.queue = q;
    }

    /** Whether this is a guest TX ring (odd index). */
    abstract boolean guestTx();

    /** Moves the ring onto {@code binding}'s channel (or the CPU: null); only while nothing is in flight. */
    abstract void bind(ChannelBinding binding);

    /** Whether nothing of this ring is in flight: no copy, no chain taken and not returned. */
    abstract boolean drained();

    /**
     * Whether the ring may still touch guest memory: not broken (by the guest or a contained fault), and its front
     * end's memory not found faulting by any worker (a volatile read of the device's flag).
     */
    boolean live() {
        return !queue.broken() && !device.faulted();
    }

    /** Whether the front end enabled the ring (volatile read of the session's flag). */
    boolean enabled() {
        return device.ring(ringIndex).enabled();
    }

    /** Gives the ring a fresh descriptor budget once per duty cycle {@code cycle} of its owner. */
    boolean refillBudget(long cycle) {
        if (budgetCycle != cycle) {
            budgetCycle = cycle;
            queue.refillBudget();
            return true;
        }
        return false;
    }

    /** The ring used up a descriptor budget in duty cycle {@code cycle}: counted once per cycle. */
    void budgetExceeded(long cycle) {
        if (budgetTripCycle != cycle) {
            budgetTripCycle = cycle;
            counters.countBudgetExceeded();
        }
    }

    /** Whether copies are outstanding on the bound channel. */
    boolean copiesOutstanding() {
        return copies != null && copies.recordsOutstanding() > 0;
    }

    /**
     * Stops the ring with {@code code}: the virtqueue is marked broken (the one broken state), a ring error is
     * counted, and — for a guest error — the ring's err eventfd is signalled with this cycle's signals and one line
     * logged. The virtqueue may have marked itself broken already (a guest error found by a pop); the stop is
     * reported once either way.
     */
    void stop(int code, GuestSignals signals) {
        queue.markBroken(code); // keeps the first code
        if (stopReported) {
            return;
        }
        stopReported = true;
        counters.ringError();
        if (code == PathStatus.ERR_FAULT) {
            return; // the caller logs the fault
        }
        int errFd = device.ring(ringIndex).errFd();
        if (errFd >= 0) {
            signals.signal(errFd, counters);
        }
        LOG.log(Level.WARNING, "ring stopped on guest error: " + describe() + " error=" + PathStatus.describe(code));
    }

    /** The ring's call eventfd, read once per signal (a replaced fd is closed only after a quiesce). */
    int callFd() {
        return device.ring(ringIndex).callFd();
    }

    String describe() {
        return "port=" + port.name() + " queue=" + (guestTx() ? "txq" : "rxq") + queuePair + " ring=" + ringIndex;
    }

    /** The copy queue a binding gives a ring of {@code size} entries (null: the CPU copies). */
    static CopyQueue copiesFor(ChannelBinding binding, int size) {
        return binding == null ? null : new CopyQueue(binding.channel(), size);
    }
}
