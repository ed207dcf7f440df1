package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_ADDR;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_ID;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_LEN;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.OFFSET_MASK;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.WRAP_BIT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U64_PLAIN;

/**
 * The device side of one packed virtqueue (virtio 1.2 §2.8, VIRTIO_F_RING_PACKED): one descriptor ring the
 * driver fills with available descriptors and we overwrite with used ones, plus the two event suppression areas.
 *
 * <p>Same contract as {@link SplitVirtqueue} ({@link Virtqueue}): one owner thread, no locks, {@link PathStatus}
 * codes, one broken state, the same per-frame and per-cycle descriptor budgets. What differs:
 * <ul>
 *   <li>Positions are {@code 0..size-1} with a wrap counter each (avail, used); a mark is
 *       {@code position | wrap << 15}. Any size 1..32768 (not only powers of two).</li>
 *   <li>A chain is consecutive slots linked by NEXT; its buffer id is in its last descriptor. The driver makes the
 *       head available last, so the head's flags are read with acquire and the rest of the chain plainly.</li>
 *   <li>{@link #pop} remembers how many ring slots each id's chain took ({@code slots[id]}), so {@link #addUsed}
 *       takes only {@code (id, len)}: the used descriptor goes at the used position, which then moves by that
 *       count. Used descriptors are written in completion order (id and len plainly), and {@link #publishUsed}
 *       stores their flags — every later one first, the first one last, each with release.</li>
 *   <li>Notifications: the driver area (flags, off_wrap) decides interrupts, the device area asks for kicks
 *       ({@link PackedNotifications}).</li>
 *   <li>{@link #pending()} counts available descriptors ahead (at most {@link #PENDING_SCAN}): an upper bound.</li>
 *   <li>Two chains in flight with one id harm only the guest's ring (the used position stays inside it).</li>
 *   <li>Dirty logging: each chain's writable ranges are recorded at pop and reported at {@link #addUsed}
 *       ({@link PackedWriteLog}); the used descriptors and the device area by guest-physical address.</li>
 * </ul>
 */
public final class PackedVirtqueue implements Virtqueue {
    /** Most available descriptors {@link #pending()} counts. */
    public static final int PENDING_SCAN = 64;

    private final int index;
    private int size;
    private long descUva;
    private long driverUva;
    private long deviceUva;
    private boolean indirect;

    private MemorySegment desc;
    private boolean attached;
    private final PackedNotifications events = new PackedNotifications();
    private final IndirectTable indirectTable = new IndirectTable();

    private int lastAvail;
    private boolean availWrap = true;
    private int usedIdx;
    private boolean usedWrap = true;

    /** Ring slots each buffer id's chain took (set by pop, read by addUsed). */
    private short[] slots = new short[0];
    /** Used descriptors written (id, len) and not yet flagged, in completion order. */
    private final PackedUsedFlags unpublished = new PackedUsedFlags();

    private boolean broken;
    private int lastError = PathStatus.OK;
    private final WalkBudget budget = new WalkBudget();
    private final PackedWriteLog log = new PackedWriteLog();
    private final PackedReadAhead ahead = new PackedReadAhead();
    /** IN_ORDER batching ({@link #batchInOrder}): the open batch's first slot and wrap, last id and length. */
    private boolean batching;
    private int batchSlot;
    private boolean batchWrap;
    private int batchLast;
    private int batchCount;

    /** Creates an unconfigured queue with vring index {@code index}. */
    public PackedVirtqueue(int index) {
        this.index = index;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Sets the ring size and the user addresses of the descriptor ring, the driver event area (SET_VRING_ADDR's
     * avail field) and the device event area (its used field). Starts the ring afresh (not broken).
     */
    @Override
    public void configure(int newSize, long newDescUva, long newDriverUva, long newDeviceUva) {
        detach();
        size = newSize;
        descUva = newDescUva;
        driverUva = newDriverUva;
        deviceUva = newDeviceUva;
        broken = false;
        lastError = PathStatus.OK;
        unpublished.size(0);
        events.restart();
        log.restart();
    }

    @Override
    public void setFeatures(boolean eventIdx, boolean newIndirect) {
        events.eventIdx(eventIdx);
        indirect = newIndirect;
    }

    /**
     * Sets both positions from a ring base ({@link PackedRingLayout#base}): bits 0-15 avail, bits 16-31 used. When
     * the upper half is 0 (DPDK virtio-user sends only {@code 0x8000}) the used position is the avail position.
     */
    @Override
    public void setLastAvailIndex(int base) {
        lastAvail = base & OFFSET_MASK;
        availWrap = (base & WRAP_BIT) != 0;
        int used = base >>> 16;
        if (used == 0) {
            usedIdx = lastAvail;
            usedWrap = availWrap;
        } else {
            usedIdx = used & OFFSET_MASK;
            usedWrap = (used & WRAP_BIT) != 0;
        }
    }

    /**
     * Translates the descriptor ring and both event areas. Positions are never read from memory (a packed ring
     * has no used index there): they come from the base, so {@code resetIfMismatch} has nothing to compare.
     *
     * @return {@link PathStatus#OK}, {@link PathStatus#ERR_RING_SIZE} (size out of 1..32768, or a base position
     *         beyond it) or {@link PathStatus#ERR_RING_ADDRESS}
     */
    @Override
    public int attach(GuestMemory mem, boolean resetIfMismatch) {
        detach();
        if (size < 1 || size > PackedRingLayout.MAX_SIZE || lastAvail >= size || usedIdx >= size) {
            return PathStatus.ERR_RING_SIZE;
        }
        MemorySegment d = RingPart.slice(mem, descUva, PackedRingLayout.descRingBytes(size),
                PackedRingLayout.DESC_ALIGN);
        MemorySegment drv = RingPart.slice(mem, driverUva, PackedRingLayout.EVENT_SIZE, PackedRingLayout.EVENT_ALIGN);
        MemorySegment dev = RingPart.slice(mem, deviceUva, PackedRingLayout.EVENT_SIZE, PackedRingLayout.EVENT_ALIGN);
        if (d == null || drv == null || dev == null) {
            return PathStatus.ERR_RING_ADDRESS;
        }
        if (slots.length != size) {
            slots = new short[size];
        }
        unpublished.size(size);
        if (indirect) {
            indirectTable.reserve(size);
        }
        log.attach(mem, descUva, deviceUva, size);
        desc = d;
        events.attach(drv, dev);
        attached = true;
        return PathStatus.OK;
    }

    @Override
    public void detach() {
        attached = false;
        desc = null;
        events.detach();
    }

    @Override
    public boolean attached() {
        return attached;
    }

    /**
     * Counts available descriptors from the avail position (at most {@link #PENDING_SCAN}; an upper bound of the
     * chains): 0 when the next one is not available.
     */
    @Override
    public int pending() {
        if (broken) {
            return lastError;
        }
        if (!attached) {
            return PathStatus.ERR_NOT_ATTACHED;
        }
        int slot = lastAvail;
        boolean wrap = availWrap;
        int n = 0;
        int max = Math.min(size, PENDING_SCAN);
        while (n < max) {
            // acquire: pairs with the driver's release store of the flags that make a descriptor available
            int flags = (short) U16_ATOMIC.getAcquire(desc, PackedRingLayout.desc(slot) + DESC_FLAGS) & 0xFFFF;
            if (!PackedRingLayout.available(flags, wrap)) {
                break;
            }
            n++;
            if (++slot == size) {
                slot = 0;
                wrap = !wrap;
            }
        }
        return n;
    }

    /**
     * {@inheritDoc} Packed ring: the descriptors pending() would count (each one's availability checked again),
     * the first byte of each head's buffer; with {@code forWrite}, that byte of a device-writable direct buffer and
     * the {@code len} of the head's slot, where its used descriptor will go, are written back unchanged (why that
     * is safe: {@link PackedReadAhead}).
     */
    @Override
    public void touchAhead(GuestMemory mem, int max, boolean forWrite) {
        if (!broken && attached) {
            ahead.touch(mem, desc, size, availMark(), max, forWrite);
        }
    }

    @Override
    public int pop(GuestMemory mem, DescriptorChain out) {
        budget.startFrame();
        return popChain(mem, out);
    }

    @Override
    public int popMore(GuestMemory mem, DescriptorChain out) {
        return popChain(mem, out);
    }

    private int popChain(GuestMemory mem, DescriptorChain out) {
        if (broken) {
            return lastError;
        }
        if (budget.exhausted()) {
            return PathStatus.OVER_BUDGET;
        }
        if (!attached) {
            return PathStatus.ERR_NOT_ATTACHED;
        }
        // acquire: the driver stores the head's flags last (with release); every other field of the chain, read
        // plainly below, was written before it
        int headFlags = (short) U16_ATOMIC.getAcquire(desc, PackedRingLayout.desc(lastAvail) + DESC_FLAGS) & 0xFFFF;
        if (!PackedRingLayout.available(headFlags, availWrap)) {
            return PathStatus.EMPTY;
        }
        out.reset(-1);
        int rc = walk(mem, headFlags, out);
        if (rc == PathStatus.OVER_BUDGET || rc == PathStatus.FRAME_OVER_BUDGET) {
            budget.trip(); // out of buffers until the next cycle; the chain is taken again then (or skipped)
            return rc;
        }
        if (rc < 0) {
            return fail(rc);
        }
        int id = out.head();
        if (!log.taken(id, out)) {
            budget.trip(); // no room to record its writable ranges until used chains free some (PackedWriteLog)
            return PathStatus.OVER_BUDGET;
        }
        slots[id] = (short) rc;
        advanceAvail(rc);
        return id;
    }

    /**
     * Walks the chain at the avail position; every guest field is read once into a local.
     *
     * @return the ring slots the chain takes (≥ 1; its id is then {@code out.head()}) or a status
     */
    private int walk(GuestMemory mem, int headFlags, DescriptorChain out) {
        int slot = lastAvail;
        int taken = 0;
        int flags = headFlags;
        while (true) {
            if (++taken > size) {
                return PathStatus.ERR_CHAIN_LOOP;
            }
            out.countDescriptor();
            long off = PackedRingLayout.desc(slot);
            // plain reads: ordered after the driver's writes by the acquire of the head's flags (popChain)
            long addr = desc.get(U64_PLAIN, off + DESC_ADDR);
            long len = desc.get(U32_PLAIN, off + DESC_LEN) & 0xFFFF_FFFFL;
            int id = desc.get(U16_PLAIN, off + DESC_ID) & 0xFFFF;
            int rc = budget.descriptor(len, (flags & F_INDIRECT) != 0);
            if (rc == PathStatus.OK) {
                rc = (flags & F_INDIRECT) != 0 ? walkIndirect(mem, flags, addr, len, out)
                        : out.addBuffer(mem, addr, len, (flags & F_WRITE) != 0);
            }
            if (rc != PathStatus.OK) {
                return rc;
            }
            if ((flags & F_NEXT) == 0) {
                if (id >= size) {
                    return PathStatus.ERR_HEAD_RANGE;
                }
                out.identify(id);
                return taken;
            }
            if (++slot == size) {
                slot = 0;
            }
            // plain read: written by the driver before it released the head's flags
            flags = desc.get(U16_PLAIN, PackedRingLayout.desc(slot) + DESC_FLAGS) & 0xFFFF;
        }
    }

    /**
     * Walks an indirect table: its entries in order (NEXT and ids in the table are ignored, WRITE counts;
     * INDIRECT inside is refused). The indirect descriptor itself may not carry NEXT: its id names the buffer.
     */
    private int walkIndirect(GuestMemory mem, int flags, long addr, long len, DescriptorChain out) {
        if (!indirect || (flags & F_NEXT) != 0) {
            return PathStatus.ERR_INDIRECT;
        }
        int rc = indirectTable.enter(mem, addr, len, size);
        if (rc != PathStatus.OK) {
            return rc;
        }
        return indirectTable.walkPacked(mem, len, budget, out);
    }

    private void advanceAvail(int n) {
        lastAvail += n;
        if (lastAvail >= size) {
            lastAvail -= size;
            availWrap = !availWrap;
        }
    }

    /**
     * Consumes the chain a {@link #pop} refused with {@link PathStatus#FRAME_OVER_BUDGET}: its id is in its last
     * descriptor, so this reads only the flags (NEXT) and the last id along it, at most the ring size. A chain
     * that does not end within the ring, or ends with an id out of range, breaks the ring (then the caller's
     * return of the id is not written).
     */
    @Override
    public int skipHead(DescriptorChain chain) {
        int slot = lastAvail;
        for (int taken = 1; taken <= size; taken++) {
            long off = PackedRingLayout.desc(slot);
            // plain reads: ordered after the driver's writes by the pop's acquire of the head's flags
            int flags = desc.get(U16_PLAIN, off + DESC_FLAGS) & 0xFFFF;
            if ((flags & F_NEXT) == 0 || (flags & F_INDIRECT) != 0) {
                int id = desc.get(U16_PLAIN, off + DESC_ID) & 0xFFFF;
                if (id >= size) {
                    fail(PathStatus.ERR_HEAD_RANGE);
                    return 0;
                }
                slots[id] = (short) taken;
                log.returned(id);
                advanceAvail(taken);
                return id;
            }
            if (++slot == size) {
                slot = 0;
            }
        }
        fail(PathStatus.ERR_CHAIN_LOOP);
        return 0;
    }

    @Override
    public int availMark() {
        return lastAvail | (availWrap ? WRAP_BIT : 0);
    }

    @Override
    public void rewindTo(int mark) {
        lastAvail = mark & OFFSET_MASK;
        availWrap = (mark & WRAP_BIT) != 0;
    }

    @Override
    public void refillBudget() {
        budget.refill();
    }

    @Override
    public boolean overBudget() {
        return budget.exhausted();
    }

    /**
     * Writes the used descriptor {@code (id, len)} at the used position (plain stores; its flags are stored by
     * {@link #publishUsed}) and moves the position by the slots the id's chain took.
     */
    @Override
    public void addUsed(int id, int len) {
        if (batching && len == 0) { // IN_ORDER: one used descriptor for the batch, written by publishUsed
            if (batchCount++ == 0) {
                batchSlot = usedIdx;
                batchWrap = usedWrap;
            }
            batchLast = id;
            advanceUsed(id);
            log.returned(id);
            return;
        }
        closeBatch();
        writeUsed(usedIdx, usedWrap, id, len);
        advanceUsed(id);
        log.used(id, len); // its written bytes, before publishUsed flushes the log and releases the flags
    }

    /** Moves the used position past the slots chain {@code id} took. */
    private void advanceUsed(int id) {
        usedIdx += slots[id];
        if (usedIdx >= size) {
            usedIdx -= size;
            usedWrap = !usedWrap;
        }
        events.used(slots[id]);
    }

    @Override
    public void batchInOrder(boolean on) {
        batching = on;
    }

    /** Writes the open IN_ORDER batch's one used descriptor (the last id, len 0) at the batch's first slot. */
    private void closeBatch() {
        if (batchCount == 0) {
            return;
        }
        batchCount = 0;
        writeUsed(batchSlot, batchWrap, batchLast, 0);
    }

    /** Writes id and len of a used descriptor at {@code slot}; its flags wait for {@link #publishUsed}. */
    private void writeUsed(int slot, boolean wrap, int id, int len) {
        if (unpublished.full()) {
            publishUsed(); // more completions than slots since the last publish: only a driver reusing ids
        }
        long off = PackedRingLayout.desc(slot);
        // plain stores: made visible to the driver by the release store of the flags in publishUsed()
        desc.set(U32_PLAIN, off + DESC_LEN, len);
        desc.set(U16_PLAIN, off + DESC_ID, (short) id);
        unpublished.add(slot, PackedRingLayout.usedFlags(wrap, len));
    }

    /**
     * Publishes the used descriptors added since the last publish: their flags, every later one first and the
     * first one last, each a release store after the ids, lengths and packet data it covers.
     */
    @Override
    public void publishUsed() {
        closeBatch();
        unpublished.publish(desc, log);
    }

    @Override
    public boolean needsNotification() {
        return events.needsNotification(size, usedIdx, usedWrap);
    }

    @Override
    public void enableNotifications() {
        events.enable(lastAvail, availWrap);
        log.deviceAreaWritten();
    }

    @Override
    public void disableNotifications() {
        events.disable();
        log.deviceAreaWritten();
    }

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

    @Override
    public boolean broken() {
        return broken;
    }

    @Override
    public int lastError() {
        return lastError;
    }

    /** The 32-bit ring base GET_VRING_BASE returns: avail position and wrap, used position and wrap. */
    @Override
    public int lastAvailIndex() {
        return PackedRingLayout.base(lastAvail, availWrap, usedIdx, usedWrap);
    }

    @Override
    public void writeLog(WriteLog newLog) {
        log.to(newLog);
    }

}
