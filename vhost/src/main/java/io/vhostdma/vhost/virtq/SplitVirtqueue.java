package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.vhostdma.vhost.virtq.SplitRingLayout.RING_FLAGS;
import static io.vhostdma.vhost.virtq.SplitRingLayout.RING_IDX;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;

/**
 * The device side of one split virtqueue: we consume the driver's avail ring and produce the used ring.
 *
 * <p>Owned by exactly one thread (the worker that owns the ring); no locks. Control-plane calls
 * ({@link #configure}, {@link #setFeatures}, {@link #setLastAvailIndex}, {@link #attach}, {@link #detach}) must be
 * made on that thread too, or before the ring is handed to it.
 *
 * <p>Data path: {@link #pending()} / {@link #pop} → process → {@link #addUsed} for each chain →
 * {@link #publishUsed()} once per burst → {@link #needsNotification()} → signal the call fd if true.
 * Errors are negative {@link PathStatus} codes; the first guest error marks the ring broken and every later
 * {@link #pending()} / {@link #pop} returns it without touching guest memory, until {@link #configure} starts
 * the ring afresh.
 */
public final class SplitVirtqueue implements Virtqueue {
    /**
     * Descriptors one ring may have walked in one duty cycle of its owner (every chain, zero-length and indirect
     * pointers included). A legitimate burst walks a few hundred; a guest whose chains waste descriptors stops
     * here, its ring out of buffers until the next cycle ({@link PathStatus#OVER_BUDGET}), so one ring cannot
     * make a duty cycle (and the other rings of its worker) wait. Always more than one frame's budget, so every
     * cycle can take at least one frame.
     */
    public static final int CYCLE_DESCRIPTORS = 8192;
    /** A frame may walk {@value #FRAME_FACTOR} × the descriptors that carry its bytes + {@value #FRAME_SLACK}. */
    public static final int FRAME_FACTOR = 4;
    /** See {@link #FRAME_FACTOR}. */
    public static final int FRAME_SLACK = 64;

    private final int index;
    private int size;
    private long descUva;
    private long availUva;
    private long usedUva;
    private boolean eventIdx;
    private boolean indirect;

    private MemorySegment desc;
    private MemorySegment avail;
    private MemorySegment used;
    private boolean attached;
    private boolean everAttached;

    private int lastAvail;
    private int shadowAvail;
    private int usedIdx;
    private int lastCheckedUsed;
    private boolean checkedSinceStart;

    private boolean broken;
    private int lastError = PathStatus.OK;
    /** What {@link #touchAhead} read last (a use for its reads, which the JIT would otherwise drop). */
    private int touched;
    /** Always 0: XORed into what {@link #touchAhead} writes back, so the JIT cannot drop the store as redundant. */
    private int touchMask;

    /** The chain walks and the descriptor budgets. */
    private final SplitChainWalker walker = new SplitChainWalker();

    /** Where each device write is reported for dirty logging (owner-local). */
    private WriteLog log = WriteLog.NONE;
    /** The used index at the last {@link #publishUsed} (for the used-ring write log). */
    private int publishedUsed;
    /** IN_ORDER batching ({@link #batchInOrder}): the open batch's first used index, last head and length. */
    private boolean batching;
    private int batchStart;
    private int batchLast;
    private int batchCount;

    /** Creates an unconfigured queue with vring index {@code index}. */
    public SplitVirtqueue(int index) {
        this.index = index;
    }

    /** The vring index given at construction. */
    @Override
    public int index() {
        return index;
    }

    /**
     * Sets the ring size and the front end's user addresses of the three ring parts (SET_VRING_NUM and
     * SET_VRING_ADDR). Starts the ring afresh: clears the broken state and the notification history, and makes
     * the next {@link #attach} read {@code used.idx}. Validation happens in {@link #attach}.
     */
    @Override
    public void configure(int newSize, long newDescUva, long newAvailUva, long newUsedUva) {
        detach();
        size = newSize;
        descUva = newDescUva;
        availUva = newAvailUva;
        usedUva = newUsedUva;
        broken = false;
        lastError = PathStatus.OK;
        checkedSinceStart = false;
        everAttached = false;
    }

    /** Negotiated ring features: VIRTIO_RING_F_EVENT_IDX and VIRTIO_RING_F_INDIRECT_DESC. */
    @Override
    public void setFeatures(boolean newEventIdx, boolean newIndirect) {
        eventIdx = newEventIdx;
        indirect = newIndirect;
    }

    /** Sets last_avail_idx (SET_VRING_BASE); the used index follows at the next fresh {@link #attach}. */
    @Override
    public void setLastAvailIndex(int idx) {
        lastAvail = idx & VirtqIndex.MASK;
        shadowAvail = lastAvail;
    }

    /**
     * Translates the three ring parts through {@code mem} (control plane; allocates slices).
     *
     * <p>On the first attach after {@link #configure}, reads {@code used.idx} as the used index; if
     * {@code resetIfMismatch} and last_avail_idx differs from it, both are set to {@code used.idx} (the reconnect
     * rule: in-flight TX may be resent, in-flight RX is dropped). A later attach (after a memory-table swap) keeps
     * the indexes and the notification history. A failed attach leaves the ring detached, not broken.
     *
     * @return {@link PathStatus#OK}, {@link PathStatus#ERR_RING_SIZE} or {@link PathStatus#ERR_RING_ADDRESS}
     */
    @Override
    public int attach(GuestMemory mem, boolean resetIfMismatch) {
        detach();
        if (size < 1 || size > SplitRingLayout.MAX_SIZE || Integer.bitCount(size) != 1) {
            return PathStatus.ERR_RING_SIZE;
        }
        long eventBytes = eventIdx ? 0 : -SplitRingLayout.AVAIL_ENTRY_SIZE;
        MemorySegment d = RingPart.slice(mem, descUva, SplitRingLayout.descTableBytes(size),
                SplitRingLayout.DESC_ALIGN);
        MemorySegment a = RingPart.slice(mem, availUva, SplitRingLayout.availBytes(size) + eventBytes,
                SplitRingLayout.AVAIL_ALIGN);
        MemorySegment u = RingPart.slice(mem, usedUva, SplitRingLayout.usedBytes(size) + eventBytes,
                SplitRingLayout.USED_ALIGN);
        if (d == null || a == null || u == null) {
            return PathStatus.ERR_RING_ADDRESS;
        }
        walker.attach(mem, d, size, indirect);
        desc = d;
        avail = a;
        used = u;
        attached = true;
        if (!everAttached) {
            everAttached = true;
            // acquire: used.idx was last written by us or by a previous back end on this ring
            usedIdx = (short) U16_ATOMIC.getAcquire(used, RING_IDX) & VirtqIndex.MASK;
            if (resetIfMismatch && lastAvail != usedIdx) {
                setLastAvailIndex(usedIdx);
            }
            lastCheckedUsed = usedIdx;
            publishedUsed = usedIdx;
        }
        shadowAvail = lastAvail;
        return PathStatus.OK;
    }

    /** Forgets the ring mapping (before a memory table is unmapped); indexes are kept. */
    @Override
    public void detach() {
        attached = false;
        walker.detach();
        desc = null;
        avail = null;
        used = null;
    }

    /**
     * Number of new avail entries: acquire load of {@code avail.idx}.
     *
     * @return 0..size, {@link PathStatus#ERR_NOT_ATTACHED}, or an error code (the ring is then broken)
     */
    @Override
    public int pending() {
        if (broken) {
            return lastError;
        }
        if (!attached) {
            return PathStatus.ERR_NOT_ATTACHED;
        }
        // acquire: pairs with the driver's release (wmb) before it stores avail.idx; orders our later plain reads
        // of avail.ring[] and of the descriptors after the driver's writes of them
        int availIdx = (short) U16_ATOMIC.getAcquire(avail, RING_IDX) & VirtqIndex.MASK;
        int n = VirtqIndex.distance(lastAvail, availIdx);
        if (n > size) {
            return fail(PathStatus.ERR_AVAIL_IDX);
        }
        shadowAvail = availIdx;
        return n;
    }

    /**
     * {@inheritDoc} Split ring: the avail entries from the next one, the head descriptor of each and the first byte
     * of its buffer; with {@code forWrite}, that byte of a device-writable direct buffer and the used element the
     * chain will take are written back unchanged.
     */
    @Override
    public void touchAhead(GuestMemory mem, int max, boolean forWrite) {
        if (broken || !attached) {
            return;
        }
        int n = Math.min(max, VirtqIndex.distance(lastAvail, shadowAvail)); // what pending() saw
        int seen = 0;
        int region = 0;
        for (int i = 0; i < n; i++) {
            // plain reads: ordered after the driver's stores by the acquire of avail.idx in pending()
            int head = avail.get(U16_PLAIN, SplitRingLayout.availEntry(VirtqIndex.slot(lastAvail + i, size)))
                    & VirtqIndex.MASK;
            if (head >= size) {
                return; // pop refuses it
            }
            long d = (long) head * SplitRingLayout.DESC_SIZE;
            long gpa = desc.get(SplitRingLayout.U64_PLAIN, d + SplitRingLayout.DESC_ADDR);
            region = mem.regionOfGpa(gpa, region);
            if (region < 0) {
                return; // pop refuses it
            }
            MemorySegment seg = mem.segment(region);
            long off = gpa - mem.gpaBase(region);
            byte b = seg.get(ValueLayout.JAVA_BYTE, off);
            seen += b;
            if (forWrite) {
                int flags = desc.get(U16_PLAIN, d + SplitRingLayout.DESC_FLAGS);
                if ((flags & (SplitRingLayout.F_WRITE | SplitRingLayout.F_INDIRECT)) == SplitRingLayout.F_WRITE) {
                    // an available device-writable buffer is the device's to write; the value is the one read
                    // (no dirty-log entry: the page's content does not change)
                    seg.set(ValueLayout.JAVA_BYTE, off, (byte) (b ^ touchMask));
                }
                // a used slot ahead of used.idx: the driver read its previous lap already (it made this chain
                // available again) and reads it next only after our release store of used.idx
                long u = SplitRingLayout.usedElem(VirtqIndex.slot(usedIdx + i, size)) + SplitRingLayout.USED_ELEM_LEN;
                used.set(U32_PLAIN, u, used.get(U32_PLAIN, u) ^ touchMask);
            }
        }
        touched = seen;
    }

    /**
     * Pops the next available chain into {@code out}. Allocation-free.
     *
     * <p>Starts a frame: the chain's walk is bounded by the frame budget ({@link #FRAME_FACTOR}) and by what is
     * left of the ring's {@link #CYCLE_DESCRIPTORS}.
     *
     * @return the head index (≥ 0), {@link PathStatus#EMPTY}, {@link PathStatus#ERR_NOT_ATTACHED}, a budget
     *         status ({@link PathStatus#OVER_BUDGET}, {@link PathStatus#FRAME_OVER_BUDGET}: nothing taken), or
     *         an error code (the ring is then broken)
     */
    @Override
    public int pop(GuestMemory mem, DescriptorChain out) {
        walker.startFrame();
        return popChain(mem, out);
    }

    /**
     * Pops the next chain of the frame the previous {@link #pop} started (mergeable RX buffers): the chains
     * share one frame budget. Same results as {@link #pop}.
     */
    @Override
    public int popMore(GuestMemory mem, DescriptorChain out) {
        return popChain(mem, out);
    }

    private int popChain(GuestMemory mem, DescriptorChain out) {
        if (broken) {
            return lastError;
        }
        if (walker.exhausted()) {
            return PathStatus.OVER_BUDGET;
        }
        if (!attached) {
            return PathStatus.ERR_NOT_ATTACHED;
        }
        if (lastAvail == shadowAvail) {
            int n = pending();
            if (n <= 0) {
                return n == 0 ? PathStatus.EMPTY : n;
            }
        }
        // plain read: ordered after the driver's store by the acquire of avail.idx in pending()
        int head = avail.get(U16_PLAIN, SplitRingLayout.availEntry(VirtqIndex.slot(lastAvail, size)))
                & VirtqIndex.MASK;
        if (head >= size) {
            return fail(PathStatus.ERR_HEAD_RANGE);
        }
        int rc = walker.walk(mem, head, out);
        if (rc == PathStatus.OVER_BUDGET || rc == PathStatus.FRAME_OVER_BUDGET) {
            walker.trip(); // out of buffers until the next cycle; the head is taken again then (or skipped)
            return rc;
        }
        if (rc != PathStatus.OK) {
            return fail(rc);
        }
        lastAvail = VirtqIndex.add(lastAvail, 1);
        return head;
    }

    /**
     * Consumes the chain at the head without walking it further, after {@link #pop} into {@code chain} returned
     * {@link PathStatus#FRAME_OVER_BUDGET}: the caller returns it (used len 0) and drops its frame. Returns its
     * head index (the one pop read and checked; the avail ring is not read again).
     */
    @Override
    public int skipHead(DescriptorChain chain) {
        lastAvail = VirtqIndex.add(lastAvail, 1);
        return chain.head();
    }

    /** Starts a new duty cycle: the ring may walk {@link #CYCLE_DESCRIPTORS} descriptors again. */
    @Override
    public void refillBudget() {
        walker.refill();
    }

    /** Whether a budget tripped in this cycle (the ring counts as out of buffers until {@link #refillBudget()}). */
    @Override
    public boolean overBudget() {
        return walker.exhausted();
    }

    @Override
    public int availMark() {
        return lastAvail;
    }

    @Override
    public void rewindTo(int mark) {
        lastAvail = mark & VirtqIndex.MASK;
    }

    @Override
    public void writeLog(WriteLog newLog) {
        log = newLog;
    }

    /**
     * Writes the used element {@code {head, len}} at the next used slot (plain stores; published by
     * {@link #publishUsed()}).
     */
    @Override
    public void addUsed(int head, int len) {
        if (batching && len == 0) { // IN_ORDER: one element for the batch, written by publishUsed
            if (batchCount++ == 0) {
                batchStart = usedIdx;
            }
            batchLast = head;
            usedIdx = VirtqIndex.add(usedIdx, 1);
            if (log.enabled()) {
                log.chainWritten(index, head, len);
            }
            return;
        }
        closeBatch();
        long off = SplitRingLayout.usedElem(VirtqIndex.slot(usedIdx, size));
        // plain stores: made visible to the driver by the release store of used.idx in publishUsed()
        used.set(U32_PLAIN, off + SplitRingLayout.USED_ELEM_ID, head);
        used.set(U32_PLAIN, off + SplitRingLayout.USED_ELEM_LEN, len);
        usedIdx = VirtqIndex.add(usedIdx, 1);
        if (log.enabled()) {
            log.chainWritten(index, head, len);
            walker.logChain(head, len & 0xFFFF_FFFFL, log);
        }
    }

    @Override
    public void batchInOrder(boolean on) {
        batching = on;
    }

    /** Writes the open IN_ORDER batch's one element: the last head, len 0, at the batch's first slot. */
    private void closeBatch() {
        if (batchCount == 0) {
            return;
        }
        long off = SplitRingLayout.usedElem(VirtqIndex.slot(batchStart, size));
        // plain stores: made visible by the release store of used.idx in publishUsed()
        used.set(U32_PLAIN, off + SplitRingLayout.USED_ELEM_ID, batchLast);
        used.set(U32_PLAIN, off + SplitRingLayout.USED_ELEM_LEN, 0);
        batchCount = 0;
    }

    /** Publishes every element added so far: one release store of {@code used.idx}. */
    @Override
    public void publishUsed() {
        closeBatch();
        if (log.enabled()) {
            logUsed();
            log.flush(); // the dirty bits are in the bitmap before the release store below publishes the writes
        }
        // release: packet data and used elements become visible to the driver before the index that covers them;
        // pairs with the driver's read barrier after it loads used.idx
        U16_ATOMIC.setRelease(used, RING_IDX, (short) usedIdx);
        publishedUsed = usedIdx; // also while not logging: logging switched on later starts from here
    }

    /** Reports the used elements added since the last publish, and used.idx, to the write log. */
    private void logUsed() {
        int n = Math.min(VirtqIndex.distance(publishedUsed, usedIdx), size);
        int first = VirtqIndex.slot(publishedUsed, size);
        int tillEnd = Math.min(n, size - first);
        log.usedRing(index, SplitRingLayout.usedElem(first), SplitRingLayout.USED_ELEM_SIZE * tillEnd);
        if (n > tillEnd) {
            log.usedRing(index, SplitRingLayout.usedElem(0), SplitRingLayout.USED_ELEM_SIZE * (n - tillEnd));
        }
        log.usedRing(index, RING_IDX, SplitRingLayout.AVAIL_ENTRY_SIZE);
    }

    /**
     * Decides whether to interrupt the driver for the used entries published since the previous call; call it
     * after {@link #publishUsed()}.
     *
     * <p>With EVENT_IDX: true when {@code used_event} lies in [used index at the previous check, published used
     * index) — the Linux vhost and DPDK reference point, which cannot wrap the way an "index at the last signal"
     * could after 65536 unsignalled entries — or when nothing was checked since the ring started. Without
     * EVENT_IDX: true when new entries were published and the driver has not set NO_INTERRUPT.
     */
    @Override
    public boolean needsNotification() {
        // full fence (StoreLoad): our store of used.idx must be visible before we read the driver's
        // used_event / avail.flags; otherwise the driver may re-enable interrupts after reading a stale used.idx
        // while we read its stale suppression, and the interrupt is lost
        VarHandle.fullFence();
        int old = lastCheckedUsed;
        boolean first = !checkedSinceStart;
        lastCheckedUsed = usedIdx;
        checkedSinceStart = true;
        if (eventIdx) {
            // opaque: the driver writes used_event at any time; the fence above orders this read
            int event = (short) U16_ATOMIC.getOpaque(avail, SplitRingLayout.usedEvent(size)) & VirtqIndex.MASK;
            return first || VirtqIndex.needEvent(event, usedIdx, old);
        }
        // opaque: the driver writes avail.flags at any time; the fence above orders this read
        int flags = (short) U16_ATOMIC.getOpaque(avail, RING_FLAGS) & VirtqIndex.MASK;
        return (flags & SplitRingLayout.AVAIL_F_NO_INTERRUPT) == 0 && (first || usedIdx != old);
    }

    /**
     * Asks the driver to kick us again: with EVENT_IDX writes {@code avail_event = last_avail_idx}, without it
     * clears NO_NOTIFY. Ends with a full fence; the caller MUST then re-check {@link #pending()} before sleeping:
     * a driver that added buffers after our last pending() but before it saw the re-armed request did not kick,
     * and only that re-check finds those buffers.
     */
    @Override
    public void enableNotifications() {
        if (eventIdx) {
            // release: the driver reads avail_event after publishing avail.idx; ordered by the fence below
            U16_ATOMIC.setRelease(used, SplitRingLayout.availEvent(size), (short) lastAvail);
        } else {
            // release: we are the only writer of used.flags; the driver reads it before kicking
            U16_ATOMIC.setRelease(used, RING_FLAGS, (short) 0);
        }
        if (log.enabled()) {
            long at = eventIdx ? SplitRingLayout.availEvent(size) : RING_FLAGS;
            log.usedRing(index, at, SplitRingLayout.AVAIL_ENTRY_SIZE);
            log.flush();
        }
        // full fence (StoreLoad): the re-arm store must be visible before the caller re-reads avail.idx
        VarHandle.fullFence();
    }

    /**
     * Asks the driver not to kick (busy polling). With EVENT_IDX nothing is written: the stale avail_event stops
     * kicks once the driver moves past it. Without EVENT_IDX sets NO_NOTIFY.
     */
    @Override
    public void disableNotifications() {
        if (!eventIdx) {
            // opaque: a hint; the driver seeing it late only costs one spurious kick
            U16_ATOMIC.setOpaque(used, RING_FLAGS, (short) SplitRingLayout.USED_F_NO_NOTIFY);
            if (log.enabled()) {
                log.usedRing(index, RING_FLAGS, SplitRingLayout.AVAIL_ENTRY_SIZE);
                log.flush();
            }
        }
    }

    /** Marks the ring broken with a guest-error code (used by layers above for semantic errors). */
    @Override
    public void markBroken(int code) {
        fail(code);
    }

    private int fail(int code) {
        if (!broken) {
            broken = true;
            lastError = code;
        }
        return lastError;
    }

    /** last_avail_idx (what GET_VRING_BASE reports). */
    @Override
    public int lastAvailIndex() {
        return lastAvail;
    }

    /** The device's used index (elements added, published or not). */
    public int usedIndex() {
        return usedIdx;
    }

    /** Ring size (0 before {@link #configure}). */
    @Override
    public int size() {
        return size;
    }

    /** True after a successful {@link #attach} and before {@link #detach}. */
    @Override
    public boolean attached() {
        return attached;
    }

    /** True once a guest error was detected. */
    @Override
    public boolean broken() {
        return broken;
    }

    /** The error that broke the ring, or {@link PathStatus#OK}. */
    @Override
    public int lastError() {
        return lastError;
    }

    /** True when EVENT_IDX was negotiated. */
    public boolean eventIdx() {
        return eventIdx;
    }

    /** True when INDIRECT_DESC was negotiated. */
    public boolean indirect() {
        return indirect;
    }
}
