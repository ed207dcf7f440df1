package io.vhostdma.backend.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one queue (one direction of one queue pair of one port).
 *
 * <p>The per-packet counts (packets, bytes) are plain fields of the worker owning the queue, bumped with
 * no ordering at all ({@link #packet}); the owner makes them visible once per burst with {@link #publish}
 * (two opaque stores of their current values into the published copies), and readers read the published
 * copies with opaque loads: a reader's figure lags the owner's by at most one duty cycle and never goes
 * back (single writer). Every other count (drops, errors, DMA, notifications) is rare and stays an opaque
 * read-modify-write on the padded array ({@code setOpaque} by its writer, {@code getOpaque} by any reader).
 */
public final class QueueCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int DROPS = 2; // slots 0 and 1 were packets and bytes (now fields)
    private static final int RING_ERRORS = 3;
    private static final int DMA_SUBMITTED = 4;
    private static final int DMA_COMPLETED = 5;
    private static final int DMA_ERRORS = 6;
    private static final int NOTIFY_DROPPED = 7;
    private static final int BUDGET_EXCEEDED = 8;
    private static final int FIRST_REASON = 9;
    private static final DropReason[] REASONS = DropReason.values();
    /** Frames whose new source MAC the switch did not learn: the port holds its mac-limit of entries. */
    private static final int MAC_LIMIT = FIRST_REASON + REASONS.length;
    /** Frames whose new source MAC the switch did not learn: no free slot in the MAC table. */
    private static final int MAC_TABLE_FULL = MAC_LIMIT + 1;
    /** RX: frames whose partial checksum vhostd completed in software (the receiver lacks GUEST_CSUM). */
    private static final int CSUM_FIXUPS = MAC_TABLE_FULL + 1;
    /** RX: GSO frames vhostd segmented in software (the receiver lacks the GUEST_TSO4/6 the frame needs). */
    private static final int GSO_SEGMENTED = CSUM_FIXUPS + 1;
    /** RX: GSO frames handed to the guest whole, with their GSO header (larger than one segment). */
    private static final int GSO_FRAMES = GSO_SEGMENTED + 1;
    /** TX: frames lent in place to a lending reactive receiver (their chains held until released or revoked). */
    private static final int LENT = GSO_FRAMES + 1;
    /** TX: lent chains given back to the guest after the receiver released them. */
    private static final int LEND_RETURNED = LENT + 1;
    /** TX: bursts the lending bound stopped (the chain left in the guest's ring: back-pressure). */
    private static final int LEND_STALLS = LEND_RETURNED + 1;
    /** TX: lent chains given back early: their views were revoked (ring stop, memory change, disconnect, end). */
    private static final int LEND_REVOKED = LEND_STALLS + 1;

    private final String name;
    /** The bound channel ({@code dev/ch}) or null; written by the control plane, read by anyone. */
    private volatile String channel;
    // padded so that two queues' counters owned by different workers never share a cache line
    private final long[] values = new long[8 + LEND_REVOKED + 1 + 8];
    /** Owner-local running counts (plain; see {@link #publish}). */
    private long packetsLocal;
    private long bytesLocal;
    /** The published counts: written by the owner's opaque stores in {@link #publish}, read opaque. */
    @SuppressWarnings("unused") // accessed through PUBLISHED_PACKETS
    private long packetsPublished;
    @SuppressWarnings("unused") // accessed through PUBLISHED_BYTES
    private long bytesPublished;
    private static final VarHandle PUBLISHED_PACKETS;
    private static final VarHandle PUBLISHED_BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PUBLISHED_PACKETS = l.findVarHandle(QueueCounters.class, "packetsPublished", long.class);
            PUBLISHED_BYTES = l.findVarHandle(QueueCounters.class, "bytesPublished", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public QueueCounters(String name) {
        this.name = name;
    }

    /** {@code rxq0}, {@code txq1}, ... */
    public String name() {
        return name;
    }

    /**
     * Counts one packet of {@code bytes} frame bytes moved through this queue: owner only, plain; readers
     * see it after the owner's next {@link #publish}.
     */
    public void packet(int bytes) {
        packetsLocal++;
        bytesLocal += bytes;
    }

    /**
     * Owner only, once per burst (the worker's publish of the ring, and after serving a TX ring): makes the
     * packets counted so far visible to readers (opaque stores; pair with the opaque loads of the readers).
     */
    public void publish() {
        PUBLISHED_PACKETS.setOpaque(this, packetsLocal);
        PUBLISHED_BYTES.setOpaque(this, bytesLocal);
    }

    /** Counts one dropped packet. */
    public void drop(DropReason reason) {
        add(DROPS, 1);
        add(FIRST_REASON + reason.ordinal(), 1);
    }

    /** Records the channel bound to the queue at its last start ({@code dev/ch}), or null for CPU copies. */
    public void bound(String channelName) {
        channel = channelName;
    }

    /** The channel bound to the queue at its last start, or null. */
    public String channel() {
        return channel;
    }

    /** Counts copies submitted to the bound channel. */
    public void dmaSubmitted(int copies) {
        add(DMA_SUBMITTED, copies);
    }

    /** Counts copies completed by the bound channel, {@code errors} of them failed. */
    public void dmaCompleted(int copies, long errors) {
        add(DMA_COMPLETED, copies);
        if (errors != 0) {
            add(DMA_ERRORS, errors);
        }
    }

    public long dmaSubmitted() {
        return get(DMA_SUBMITTED);
    }

    public long dmaCompleted() {
        return get(DMA_COMPLETED);
    }

    public long dmaErrors() {
        return get(DMA_ERRORS);
    }

    /** Copies submitted and not completed yet (a racy but never negative estimate). */
    public long dmaInFlight() {
        long done = dmaCompleted();
        return Math.max(0, dmaSubmitted() - done);
    }

    /** Counts a frame forwarded but whose new source MAC was not learned (the port is at its mac-limit). */
    public void macLimit() {
        add(MAC_LIMIT, 1);
    }

    public long macLimitHits() {
        return get(MAC_LIMIT);
    }

    /** Counts a frame forwarded but whose new source MAC was not learned (no free MAC-table slot). */
    public void macTableFull() {
        add(MAC_TABLE_FULL, 1);
    }

    public long macTableFullHits() {
        return get(MAC_TABLE_FULL);
    }

    /** Counts a frame whose checksum was completed in software for this (RX) queue. */
    public void csumFixup() {
        add(CSUM_FIXUPS, 1);
    }

    public long csumFixups() {
        return get(CSUM_FIXUPS);
    }

    /** Counts a GSO frame segmented in software for this (RX) queue. */
    public void gsoSegmented() {
        add(GSO_SEGMENTED, 1);
    }

    public long gsoSegmentedFrames() {
        return get(GSO_SEGMENTED);
    }

    /** Counts a GSO frame delivered whole (with its GSO header) into this (RX) queue. */
    public void gsoFrame() {
        add(GSO_FRAMES, 1);
    }

    public long gsoFrames() {
        return get(GSO_FRAMES);
    }

    /** Counts a frame lent in place to the lending receiver from this (TX) queue. */
    public void lent() {
        add(LENT, 1);
    }

    public long lentFrames() {
        return get(LENT);
    }

    /** Counts {@code chains} lent chains given back to the guest after the receiver released them. */
    public void lendReturned(int chains) {
        if (chains != 0) {
            add(LEND_RETURNED, chains);
        }
    }

    public long lendReturned() {
        return get(LEND_RETURNED);
    }

    /** Counts a burst the lending bound stopped on this (TX) queue. */
    public void lendStall() {
        add(LEND_STALLS, 1);
    }

    public long lendStalls() {
        return get(LEND_STALLS);
    }

    /** Counts {@code chains} lent chains given back early because their views were revoked. */
    public void lendRevoked(int chains) {
        if (chains != 0) {
            add(LEND_REVOKED, chains);
        }
    }

    public long lendRevoked() {
        return get(LEND_REVOKED);
    }

    /** Counts a guest error that stopped this ring. */
    public void ringError() {
        add(RING_ERRORS, 1);
    }

    public long ringErrors() {
        return get(RING_ERRORS);
    }

    /** Counts a guest notification (a signal of the ring's call or err eventfd) the kernel refused. */
    public void countNotifyDropped() {
        add(NOTIFY_DROPPED, 1);
    }

    /** Guest notifications of this ring that were refused and dropped (never retried). */
    public long notifyDropped() {
        return get(NOTIFY_DROPPED);
    }

    /** Counts a duty cycle in which the ring used up a descriptor budget (treated as out of buffers). */
    public void countBudgetExceeded() {
        add(BUDGET_EXCEEDED, 1);
    }

    /** Duty cycles in which the ring used up a descriptor budget (per frame or per cycle). */
    public long budgetExceeded() {
        return get(BUDGET_EXCEEDED);
    }

    /** Packets as of the owner's last {@link #publish}. */
    public long packets() {
        return (long) PUBLISHED_PACKETS.getOpaque(this);
    }

    /** Bytes as of the owner's last {@link #publish}. */
    public long bytes() {
        return (long) PUBLISHED_BYTES.getOpaque(this);
    }

    public long drops() {
        return get(DROPS);
    }

    public long drops(DropReason reason) {
        return get(FIRST_REASON + reason.ordinal());
    }

    private void add(int slot, long delta) {
        int i = 8 + slot;
        // single writer: a plain read of our own last store, then an opaque store for readers
        LONGS.setOpaque(values, i, (long) LONGS.get(values, i) + delta);
    }

    private long get(int slot) {
        return (long) LONGS.getOpaque(values, 8 + slot);
    }

    /**
     * Ring starts (or live rebinds) at which the queue's bound channel was not used because the guest
     * memory is not sealed against shrinking and the channel's engine copies outside the JVM: the queue
     * copied with the CPU instead ({@code dma_unsealed_fallback}). Control plane only (once per start).
     */
    public void dmaUnsealedFallback() {
        unsealedFallbacks.incrementAndGet();
    }

    /** See {@link #dmaUnsealedFallback()}. */
    public long dmaUnsealedFallbacks() {
        return unsealedFallbacks.get();
    }

    private final java.util.concurrent.atomic.AtomicLong unsealedFallbacks = new java.util.concurrent.atomic.AtomicLong();
}
