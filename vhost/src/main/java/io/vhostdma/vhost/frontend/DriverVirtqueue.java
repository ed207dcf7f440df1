package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.virtq.VirtqIndex;
import io.vhostdma.vhost.virtq.SplitRingLayout;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.protocol.VringAddrLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The driver side of one split virtqueue in front-end-owned guest memory: descriptor free list,
 * avail publishing, used polling, kick decisions and interrupt arming; plus raw "tampering"
 * accessors that let hostile-guest tests write arbitrary descriptors and avail entries.
 *
 * <p>Ordering contract (driver side of virtio §2.7.13): descriptors and avail ring entries are
 * written with plain stores, then {@code avail.idx} is stored with release semantics so the device
 * (the back end, another process) that acquire-loads it sees them. {@code used.idx} is loaded with
 * acquire semantics, pairing with the device's release store after it wrote the used elements and
 * the packet bytes. Kick suppression fields ({@code used.flags}, {@code avail_event}) are read after
 * a full fence that orders our {@code avail.idx} store before those loads (StoreLoad).
 *
 * <p>Indexes are free-running u16 values kept in {@code int}s masked with {@code 0xffff}; the ring
 * slot is {@code idx & (size - 1)}. One thread uses a queue at a time.
 *
 * <p>With RING_PACKED negotiated ({@link #usePacked}) the same memory holds a packed ring and the data-path
 * calls (descriptors by id, avail, publish, used, interrupts) go to a {@link PackedDriverRing}; the split-only
 * tamper accessors (avail entries and index, used index) then have no meaning.
 */
public final class DriverVirtqueue {
    private static final int U16_MASK = 0xffff;
    private final int index;
    private final int size;
    private final int mask;
    private final long descGpa;
    private final long availGpa;
    private final long usedGpa;
    private final MemorySegment desc;
    private final long descOff;
    private final MemorySegment avail;
    private final long availOff;
    private final MemorySegment used;
    private final long usedOff;
    private final long descUva;
    private final long availUva;
    private final long usedUva;
    private final int[] freeNext;
    private int freeHead;
    private int numFree;
    private int availIdx;
    private int publishedAvail;
    private int lastUsedIdx;
    private int polledId;
    private int polledLen;
    private boolean eventIdx;
    private boolean kickAlways = true;
    private int kickFd = -1;
    private int callFd = -1;
    private PackedDriverRing packed;

    private DriverVirtqueue(GuestMemoryImage memory, int index, int size) {
        this.index = index;
        this.size = size;
        this.mask = size - 1;
        this.descGpa = memory.allocate(SplitRingLayout.descTableBytes(size), 4096);
        this.availGpa = memory.allocate(SplitRingLayout.availBytes(size), 4096);
        this.usedGpa = memory.allocate(SplitRingLayout.usedBytes(size), 4096);
        this.desc = memory.segmentOf(descGpa, SplitRingLayout.descTableBytes(size));
        this.descOff = memory.offsetOf(descGpa);
        this.avail = memory.segmentOf(availGpa, SplitRingLayout.availBytes(size));
        this.availOff = memory.offsetOf(availGpa);
        this.used = memory.segmentOf(usedGpa, SplitRingLayout.usedBytes(size));
        this.usedOff = memory.offsetOf(usedGpa);
        this.descUva = memory.userAddrOf(descGpa);
        this.availUva = memory.userAddrOf(availGpa);
        this.usedUva = memory.userAddrOf(usedGpa);
        this.freeNext = new int[size];
        resetFreeList();
    }

    /** Allocates (zeroed, 4 KiB-aligned) the three ring parts of vring {@code index} in {@code memory}. */
    public static DriverVirtqueue allocate(GuestMemoryImage memory, int index, int size) {
        if (size < 1 || size > 32768 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two ≤ 32768: size=" + size);
        }
        DriverVirtqueue q = new DriverVirtqueue(memory, index, size);
        q.desc.asSlice(q.descOff, SplitRingLayout.descTableBytes(size)).fill((byte) 0);
        q.avail.asSlice(q.availOff, SplitRingLayout.availBytes(size)).fill((byte) 0);
        q.used.asSlice(q.usedOff, SplitRingLayout.usedBytes(size)).fill((byte) 0);
        return q;
    }

    public int index() {
        return index;
    }

    public int size() {
        return size;
    }

    public long descGpa() {
        return descGpa;
    }

    public long availGpa() {
        return availGpa;
    }

    public long usedGpa() {
        return usedGpa;
    }

    /** The kick eventfd (we signal, the back end waits), or -1. */
    public int kickFd() {
        return kickFd;
    }

    /** The call eventfd (the back end signals, we wait), or -1. */
    public int callFd() {
        return callFd;
    }

    void setNotifiers(int kick, int call) {
        this.kickFd = kick;
        this.callFd = call;
    }

    /** Sets the negotiated EVENT_IDX state and whether every publish kicks. */
    public void configure(boolean eventIdxNegotiated, NotificationMode mode) {
        this.eventIdx = eventIdxNegotiated;
        this.kickAlways = mode == NotificationMode.KICK_ALWAYS;
        if (packed != null) {
            packed.eventIdx(eventIdxNegotiated);
        }
    }

    /**
     * Makes this a packed ring (RING_PACKED negotiated; before the ring is set up): the descriptor table's
     * memory holds the descriptor ring, the avail ring's the driver event area, the used ring's the device event
     * area.
     */
    void usePacked() {
        packed = new PackedDriverRing(desc, descOff, avail, availOff, used, usedOff, size);
        packed.eventIdx(eventIdx);
    }

    /** Whether the ring is packed. */
    public boolean packed() {
        return packed != null;
    }

    /** The SET_VRING_BASE value: 0 (split), or both positions 0 with wrap counters 1 (packed). */
    public int initialBase() {
        return packed != null ? PackedDriverRing.initialBase() : 0;
    }

    /** Writes the SET_VRING_ADDR payload (user addresses, flags 0, no log) at {@code payload[off..]}. */
    public int writeVringAddr(MemorySegment payload, long off) {
        payload.set(ValueLayout.JAVA_INT_UNALIGNED, off + VringAddrLayout.INDEX, index);
        payload.set(ValueLayout.JAVA_INT_UNALIGNED, off + VringAddrLayout.FLAGS, 0);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, off + VringAddrLayout.DESC, descUva);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, off + VringAddrLayout.USED, usedUva);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, off + VringAddrLayout.AVAIL, availUva);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, off + VringAddrLayout.LOG, 0L);
        return VringAddrLayout.BYTES;
    }

    // ---- descriptor free list (driver-private state, never in guest memory) ----

    /** Takes a free descriptor index, or returns -1 when none is free. */
    public int allocDescriptor() {
        if (numFree == 0) {
            return -1;
        }
        int d = freeHead;
        freeHead = freeNext[d];
        numFree--;
        return d;
    }

    /** Returns descriptor {@code d} to the free list. */
    public void freeDescriptor(int d) {
        freeNext[d] = freeHead;
        freeHead = d;
        numFree++;
    }

    public int freeCount() {
        return numFree;
    }

    private void resetFreeList() {
        for (int i = 0; i < size; i++) {
            freeNext[i] = i + 1;
        }
        freeHead = 0;
        numFree = size;
    }

    // ---- descriptors and avail ring ----

    /** Writes descriptor {@code slot} (any of 0..size-1; tests may write arbitrary values). */
    public void writeDescriptor(int slot, long addr, int len, int flags, int next) {
        if (packed != null) {
            descSlot(slot); // range check
            packed.writeDescriptor(slot, addr, len, flags);
            return;
        }
        VringDescLayout.write(desc, descSlot(slot), addr, len, flags, next);
    }

    /**
     * The address buffer {@code id} was made available with: its descriptor table entry (split), or what
     * {@link #writeDescriptor} last recorded for it (packed: the ring slot it went to may hold a used one by now).
     */
    public long bufferAddr(int id) {
        return packed != null ? packed.bufferAddr(id) : descriptorAddr(id);
    }

    public long descriptorAddr(int slot) {
        return desc.get(VringDescLayout.LE64, descSlot(slot) + VringDescLayout.ADDR);
    }

    public int descriptorLen(int slot) {
        return desc.get(VringDescLayout.LE32, descSlot(slot) + VringDescLayout.LEN);
    }

    public int descriptorFlags(int slot) {
        return desc.get(VringDescLayout.LE16, descSlot(slot) + VringDescLayout.FLAGS) & U16_MASK;
    }

    public int descriptorNext(int slot) {
        return desc.get(VringDescLayout.LE16, descSlot(slot) + VringDescLayout.NEXT) & U16_MASK;
    }

    private long descSlot(int slot) {
        if (slot < 0 || slot >= size) {
            throw new IndexOutOfBoundsException("descriptor slot out of ring: slot=" + slot + " size=" + size);
        }
        return descOff + (long) VringDescLayout.BYTES * slot;
    }

    /** Appends {@code head} at the shadow avail index (not yet visible to the device). */
    public void addAvail(int head) {
        if (packed != null) {
            packed.addAvail(head);
            return;
        }
        // plain store: made visible by the release store of avail.idx in publish()
        avail.set(VringDescLayout.LE16, availOff + SplitRingLayout.availEntry(availIdx & mask), (short) head);
        availIdx = (availIdx + 1) & U16_MASK;
    }

    /**
     * Release-publishes the shadow avail index and tells whether the device should be kicked
     * (always in KICK_ALWAYS mode; otherwise by NO_NOTIFY or the avail_event test).
     */
    public boolean publish() {
        if (packed != null) {
            return packed.publish(kickAlways);
        }
        int old = publishedAvail;
        int now = availIdx;
        // release: descriptors, avail.ring entries and buffer bytes before avail.idx (device acquires it)
        SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.RING_IDX, (short) now);
        publishedAvail = now;
        return kickAlways || kickNeeded(old, now);
    }

    /**
     * Whether moving avail.idx from {@code oldIdx} to {@code newIdx} needs a kick under the
     * device's suppression state. Issues the StoreLoad fence that orders our avail.idx store
     * before reading the device-written fields (otherwise a kick can be lost).
     */
    public boolean kickNeeded(int oldIdx, int newIdx) {
        VarHandle.fullFence();
        if (eventIdx) {
            // device writes avail_event; opaque load after the fence
            int event = (short) SplitRingLayout.U16_ATOMIC.getOpaque(used, usedOff + SplitRingLayout.availEvent(size)) & U16_MASK;
            return VirtqIndex.needEvent(event, newIdx, oldIdx);
        }
        // device writes used.flags; opaque load after the fence
        int flags = (short) SplitRingLayout.U16_ATOMIC.getOpaque(used, usedOff + SplitRingLayout.RING_FLAGS);
        return (flags & SplitRingLayout.USED_F_NO_NOTIFY) == 0;
    }

    /** Signals the kick eventfd; returns 0 or a negative errno. */
    public int kick() {
        return kickFd < 0 ? 0 : EventFd.signal(kickFd);
    }

    /** The shadow (next to publish) avail index. */
    public int availIdx() {
        return availIdx;
    }

    /** Tamper: writes {@code avail.ring[position & mask] = head} without publishing. */
    public void writeAvailEntry(int position, int head) {
        avail.set(VringDescLayout.LE16, availOff + SplitRingLayout.availEntry(position & mask), (short) head);
    }

    /** Tamper: release-stores an arbitrary {@code avail.idx} and makes it the shadow index. */
    public void publishAvailIdx(int idx) {
        availIdx = idx & U16_MASK;
        publishedAvail = availIdx;
        SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.RING_IDX, (short) availIdx);
    }

    /** Tamper: stores {@code avail.flags} (release). */
    public void writeAvailFlags(int flags) {
        SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.RING_FLAGS, (short) flags);
    }

    // ---- used ring ----

    /** {@code used.idx}, acquire-loaded (pairs with the device's release store). */
    public int usedIdx() {
        return (short) SplitRingLayout.U16_ATOMIC.getAcquire(used, usedOff + SplitRingLayout.RING_IDX) & U16_MASK;
    }

    /** The next used index the driver will consume. */
    public int lastUsedIdx() {
        return lastUsedIdx;
    }

    /** Entries the device has published that the driver has not consumed. */
    public int pendingUsed() {
        if (packed != null) {
            return packed.pendingUsed();
        }
        return (usedIdx() - lastUsedIdx) & U16_MASK;
    }

    /**
     * The id of the used element {@code ahead} entries past the last consumed one. Plain load: call
     * it only for entries counted by {@link #pendingUsed()}, whose acquire load orders it.
     */
    public int peekUsedId(int ahead) {
        if (packed != null) {
            return packed.peekUsedId(ahead);
        }
        return used.get(VringDescLayout.LE32, usedElemOff(ahead) + SplitRingLayout.USED_ELEM_ID);
    }

    /** The len of the used element {@code ahead} entries past the last consumed one. */
    public int peekUsedLen(int ahead) {
        if (packed != null) {
            return packed.peekUsedLen(ahead);
        }
        return used.get(VringDescLayout.LE32, usedElemOff(ahead) + SplitRingLayout.USED_ELEM_LEN);
    }

    private long usedElemOff(int ahead) {
        return usedOff + SplitRingLayout.usedElem((lastUsedIdx + ahead) & mask);
    }

    /** Marks {@code n} used elements consumed. */
    public void consumeUsed(int n) {
        if (packed != null) {
            packed.consumeUsed(n);
            return;
        }
        lastUsedIdx = (lastUsedIdx + n) & U16_MASK;
    }

    /**
     * Consumes one used element if the device published one: its id and len are then
     * {@link #polledId()} and {@link #polledLen()}.
     */
    public boolean pollUsed() {
        if (packed != null ? !packed.hasUsed() : lastUsedIdx == usedIdx()) {
            return false;
        }
        polledId = peekUsedId(0);
        polledLen = peekUsedLen(0);
        consumeUsed(1);
        return true;
    }

    public int polledId() {
        return polledId;
    }

    public int polledLen() {
        return polledLen;
    }

    // ---- interrupt (call) suppression, driver → device ----

    /**
     * Asks the device to signal the call eventfd for the next used entry, then fences so that a
     * re-check of used.idx after this call cannot miss an entry published before the device saw it.
     */
    public void armInterrupts() {
        if (packed != null) {
            packed.armInterrupts();
            return;
        }
        if (eventIdx) {
            // device reads used_event; release so it pairs with the device's fence
            SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.usedEvent(size), (short) lastUsedIdx);
        } else {
            SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.RING_FLAGS, (short) 0);
        }
        VarHandle.fullFence();
    }

    /**
     * Asks the device not to signal: NO_INTERRUPT without EVENT_IDX; with EVENT_IDX, a used_event
     * half a u16 cycle away (the device's test then fails until the driver re-arms).
     */
    public void disarmInterrupts() {
        if (packed != null) {
            packed.disarmInterrupts();
            return;
        }
        if (eventIdx) {
            SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.usedEvent(size),
                    (short) (lastUsedIdx + 0x8000));
        } else {
            SplitRingLayout.U16_ATOMIC.setRelease(avail, availOff + SplitRingLayout.RING_FLAGS,
                    (short) SplitRingLayout.AVAIL_F_NO_INTERRUPT);
        }
    }

    /** {@code avail.flags} as last stored (opaque load of our own field). */
    public int availFlags() {
        return (short) SplitRingLayout.U16_ATOMIC.getOpaque(avail, availOff + SplitRingLayout.RING_FLAGS) & U16_MASK;
    }

    /** {@code avail.used_event} as last stored (opaque load of our own field). */
    public int usedEvent() {
        return (short) SplitRingLayout.U16_ATOMIC.getOpaque(avail, availOff + SplitRingLayout.usedEvent(size)) & U16_MASK;
    }
}
