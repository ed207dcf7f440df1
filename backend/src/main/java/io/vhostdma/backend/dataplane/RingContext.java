package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.RxScratch;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.protocol.VringConfig;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;

/**
 * One started ring in the data plane, with the scratch state its owner needs per packet. Created by
 * the control plane at attach (allocation happens there), then used only by its owning worker.
 */
final class RingContext {
    final VhostDevice device;
    final PortState port;
    final int ringIndex;
    final int queuePair;
    final boolean guestTx;
    final SplitVirtqueue queue;
    final DescriptorChain chain = new DescriptorChain();
    final GatherList frame = new GatherList(DescriptorChain.MAX_SEGMENTS);
    final io.vhostdma.dma.sg.GatherCursor cursor = new io.vhostdma.dma.sg.GatherCursor();
    final RxScratch rxScratch;
    final QueueCounters counters;
    final Worker owner;
    final int kickFd;
    /** Guest TX only: the chains taken and not yet returned, in order. */
    final TxFifo fifo;
    /** Bound guest-RX ring: its DMA enqueue path; null when the CPU copies. */
    final AsyncRx asyncRx;
    /** Bound guest-TX ring: its DMA staging path; null when the CPU copies. */
    final AsyncTx asyncTx;
    /** The bound channel's copies (of {@link #asyncRx} or {@link #asyncTx}), or null. */
    final CopyQueue copies;
    /** The bound channel may touch only fixed-size (sealed) guest memory ({@link SealedMemoryRule}). */
    final boolean sealedOnly;
    /** Set by a detach while copies are still outstanding: completed once they all finished (owner-local). */
    java.util.concurrent.CompletableFuture<Integer> detaching;
    /** RX only: used entries were added and not yet published (owner-local). */
    boolean dirty;
    /** Set once the guest broke the ring; the owner stops serving it (owner-local). */
    boolean stopped;
    /**
     * Set while a live rebind drains the ring: no chain is taken and frames for it are dropped as
     * {@code rx_not_ready} (written by the owner; read by other workers only to route, like {@link #stopped}).
     */
    boolean paused;
    /** The owner's duty cycle in which the ring last refilled its descriptor budget, and last counted a trip. */
    private long budgetCycle = -1;
    private long budgetTripCycle = -1;
    /** The binding a live rebind moves the ring to, and the rebind's completion (owner-local). */
    ChannelBinding rebindTo;
    java.util.concurrent.CompletableFuture<Boolean> rebound;

    RingContext(VhostDevice device, PortState port, int ringIndex, Worker owner) {
        this(device, port, ringIndex, owner, null);
    }

    /**
     * @param binding the DMA channel bound to this queue, or null for CPU copies
     */
    RingContext(VhostDevice device, PortState port, int ringIndex, Worker owner, ChannelBinding binding) {
        this.device = device;
        this.port = port;
        this.ringIndex = ringIndex;
        this.queuePair = ringIndex / 2;
        this.guestTx = (ringIndex & 1) == 1;
        this.owner = owner;
        VringConfig cfg = device.ring(ringIndex);
        this.kickFd = cfg.kickFd();
        this.queue = new SplitVirtqueue(ringIndex);
        queue.configure(cfg.size(), cfg.descUva(), cfg.availUva(), cfg.usedUva());
        queue.setFeatures(device.eventIdx(), device.indirect());
        queue.setLastAvailIndex(cfg.lastAvailIndex());
        this.rxScratch = new RxScratch(cfg.size());
        this.counters = guestTx ? port.counters().tx(queuePair) : port.counters().rx(queuePair);
        this.fifo = guestTx ? new TxFifo(cfg.size()) : null;
        this.copies = binding == null ? null : new CopyQueue(binding.channel(), cfg.size());
        this.sealedOnly = binding != null && binding.sealedMemoryOnly();
        this.asyncRx = copies != null && !guestTx ? new AsyncRx(this, copies) : null;
        this.asyncTx = copies != null && guestTx ? new AsyncTx(this, copies) : null;
        counters.bound(binding == null ? null : binding.name());
    }

    /**
     * The same started ring on another channel (a live rebind, once {@code old} drained): the virtqueue
     * and its indexes, the TX FIFO and the counters carry over; only the copy machinery is new.
     */
    RingContext(RingContext old, ChannelBinding binding) {
        this.device = old.device;
        this.port = old.port;
        this.ringIndex = old.ringIndex;
        this.queuePair = old.queuePair;
        this.guestTx = old.guestTx;
        this.owner = old.owner;
        this.kickFd = old.kickFd;
        this.queue = old.queue;
        this.rxScratch = old.rxScratch;
        this.counters = old.counters;
        this.fifo = old.fifo;
        this.copies = binding == null ? null : new CopyQueue(binding.channel(), queue.size());
        this.sealedOnly = binding != null && binding.sealedMemoryOnly();
        this.asyncRx = copies != null && !guestTx ? new AsyncRx(this, copies) : null;
        this.asyncTx = copies != null && guestTx ? new AsyncTx(this, copies) : null;
        counters.bound(binding == null ? null : binding.name());
    }

    /**
     * Returns a guest TX chain to the driver (used len 0); nothing once the ring stopped (the guest broke it,
     * or its memory faulted): the chain is only forgotten, so the ring still drains.
     */
    void returnTxChain(int head) {
        if (live()) {
            queue.addUsed(head, io.vhostdma.vhost.net.NetTx.USED_LEN);
        }
    }

    /**
     * Whether the ring may still touch guest memory: not stopped by its owner, and its front end's memory not
     * found faulting by any worker (a volatile read of the device's flag).
     */
    boolean live() {
        return !stopped && !device.faulted();
    }

    /** Gives the ring a fresh descriptor budget once per duty cycle {@code cycle} of its owner. */
    void refillBudget(long cycle) {
        if (budgetCycle != cycle) {
            budgetCycle = cycle;
            queue.refillBudget();
        }
    }

    /** The ring used up a descriptor budget in this duty cycle: counted once per cycle. */
    void budgetExceeded() {
        if (budgetTripCycle != owner.cycle) {
            budgetTripCycle = owner.cycle;
            counters.countBudgetExceeded();
        }
    }

    /** Whether nothing of this ring is in flight: no copy, no unreturned chain. */
    boolean drained() {
        return (copies == null || copies.recordsOutstanding() == 0) && (fifo == null || fifo.outstanding() == 0);
    }

    /** Whether the front end enabled the ring (volatile read of the session's flag). */
    boolean enabled() {
        return device.ring(ringIndex).enabled();
    }

    String describe() {
        return "port=" + port.name() + " queue=" + (guestTx ? "txq" : "rxq") + queuePair + " ring=" + ringIndex;
    }
}
