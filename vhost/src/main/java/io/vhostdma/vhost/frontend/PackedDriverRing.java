package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.virtq.PackedRingLayout;
import io.vhostdma.vhost.virtq.VirtqIndex;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_ADDR;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_ID;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_LEN;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DESC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DISABLE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_ENABLE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_OFF_WRAP;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_AVAIL;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_USED;
import static io.vhostdma.vhost.virtq.PackedRingLayout.OFFSET_MASK;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.WRAP_BIT;

/**
 * The driver side of a packed virtqueue (virtio 1.2 §2.8) for {@link DriverVirtqueue} once RING_PACKED is
 * negotiated: the descriptor ring in the split descriptor table's memory, the driver event area at the avail
 * ring's address and the device event area at the used ring's. Every buffer this front end makes available is
 * one ring slot (one descriptor, or one INDIRECT descriptor), so a used descriptor also takes one slot.
 *
 * <p>Ordering (driver side of §2.8.21-22): a descriptor's addr, len and id are plain stores; its flags are
 * release stores, the first buffer of a batch last. A used descriptor's flags are acquire-loaded before its id
 * and len. Kick suppression (the device area) is read after a full fence that orders our flag stores first.
 */
final class PackedDriverRing {
    private final MemorySegment ring;
    private final long ringOff;
    private final MemorySegment driverArea;
    private final long driverOff;
    private final MemorySegment deviceArea;
    private final long deviceOff;
    private final int size;
    private final long[] addr;
    private final int[] len;
    private final int[] flags;
    private final int[] batchSlot;
    private final short[] batchFlags;
    private int batch;
    private int next;
    private boolean wrap = true;
    private int published;
    private boolean publishedWrap = true;
    private int nextUsed;
    private boolean usedWrap = true;
    private boolean eventIdx;

    PackedDriverRing(MemorySegment ring, long ringOff, MemorySegment driverArea, long driverOff,
            MemorySegment deviceArea, long deviceOff, int size) {
        this.ring = ring;
        this.ringOff = ringOff;
        this.driverArea = driverArea;
        this.driverOff = driverOff;
        this.deviceArea = deviceArea;
        this.deviceOff = deviceOff;
        this.size = size;
        this.addr = new long[size];
        this.len = new int[size];
        this.flags = new int[size];
        this.batchSlot = new int[size];
        this.batchFlags = new short[size];
    }

    void eventIdx(boolean v) {
        eventIdx = v;
    }

    /** Remembers buffer {@code id}'s descriptor until {@link #addAvail}. */
    void writeDescriptor(int id, long a, int l, int f) {
        addr[id] = a;
        len[id] = l;
        flags[id] = f;
    }

    /** Buffer {@code id}'s address as last written. */
    long bufferAddr(int id) {
        return addr[id];
    }

    /** Writes buffer {@code id} at the next ring slot; its flags wait for {@link #publish}. */
    void addAvail(int id) {
        long off = ringOff + PackedRingLayout.desc(next);
        // plain stores: made visible by the release store of the flags in publish()
        ring.set(VringDescLayout.LE64, off + DESC_ADDR, addr[id]);
        ring.set(VringDescLayout.LE32, off + DESC_LEN, len[id]);
        ring.set(VringDescLayout.LE16, off + DESC_ID, (short) id);
        batchSlot[batch] = next;
        batchFlags[batch] = (short) (flags[id] | (wrap ? F_AVAIL : F_USED));
        batch++;
        if (++next == size) {
            next = 0;
            wrap = !wrap;
        }
    }

    /** Makes the batch available (the first slot's flags last) and tells whether to kick. */
    boolean publish(boolean kickAlways) {
        for (int i = batch - 1; i >= 0; i--) {
            // release: addr, len, id and the buffer bytes before the flags that make the slot available
            U16_ATOMIC.setRelease(ring, ringOff + PackedRingLayout.desc(batchSlot[i]) + DESC_FLAGS, batchFlags[i]);
        }
        int added = batch;
        batch = 0;
        published = next;
        publishedWrap = wrap;
        return kickAlways || (added > 0 && kickNeeded(added));
    }

    /** The device area's verdict on the {@code added} slots just made available. */
    private boolean kickNeeded(int added) {
        // full fence (StoreLoad): our flag stores before the device's suppression fields
        VarHandle.fullFence();
        // acquire: the device writes off_wrap before its flags
        int f = (short) U16_ATOMIC.getAcquire(deviceArea, deviceOff + EVENT_FLAGS) & 0xFFFF;
        if (f == EVENT_DISABLE) {
            return false;
        }
        if (!eventIdx || f != EVENT_DESC) {
            return true;
        }
        int offWrap = (short) U16_ATOMIC.getOpaque(deviceArea, deviceOff + EVENT_OFF_WRAP) & 0xFFFF;
        int event = offWrap & OFFSET_MASK;
        if (((offWrap & WRAP_BIT) != 0) != publishedWrap) {
            event -= size;
        }
        int now = published;
        int from = now - added; // may be negative: positions unrolled across the wrap
        return VirtqIndex.needEvent(event & VirtqIndex.MASK, now, from & VirtqIndex.MASK);
    }

    private boolean usedAt(int ahead) {
        int slot = nextUsed + ahead;
        boolean w = usedWrap;
        if (slot >= size) {
            slot -= size;
            w = !w;
        }
        // acquire: pairs with the device's release store of the used flags; orders our reads of id and len
        int f = (short) U16_ATOMIC.getAcquire(ring, ringOff + PackedRingLayout.desc(slot) + DESC_FLAGS) & 0xFFFF;
        return ((f & F_AVAIL) != 0) == w && ((f & F_USED) != 0) == w;
    }

    /** Used descriptors the device published that we did not consume. */
    int pendingUsed() {
        int n = 0;
        while (n < size && usedAt(n)) {
            n++;
        }
        return n;
    }

    private long slotOff(int ahead) {
        int slot = nextUsed + ahead;
        return ringOff + PackedRingLayout.desc(slot >= size ? slot - size : slot);
    }

    int peekUsedId(int ahead) {
        return ring.get(VringDescLayout.LE16, slotOff(ahead) + DESC_ID) & 0xFFFF;
    }

    int peekUsedLen(int ahead) {
        return ring.get(VringDescLayout.LE32, slotOff(ahead) + DESC_LEN);
    }

    void consumeUsed(int n) {
        nextUsed += n;
        while (nextUsed >= size) {
            nextUsed -= size;
            usedWrap = !usedWrap;
        }
    }

    /** Whether the next used descriptor is there. */
    boolean hasUsed() {
        return usedAt(0);
    }

    /** Asks for an interrupt at the next used descriptor, then fences. */
    void armInterrupts() {
        if (eventIdx) {
            U16_ATOMIC.setOpaque(driverArea, driverOff + EVENT_OFF_WRAP, (short) (nextUsed | (usedWrap ? WRAP_BIT : 0)));
            // release: off_wrap before the flags that tell the device to use it
            U16_ATOMIC.setRelease(driverArea, driverOff + EVENT_FLAGS, (short) EVENT_DESC);
        } else {
            U16_ATOMIC.setRelease(driverArea, driverOff + EVENT_FLAGS, (short) EVENT_ENABLE);
        }
        VarHandle.fullFence();
    }

    void disarmInterrupts() {
        U16_ATOMIC.setRelease(driverArea, driverOff + EVENT_FLAGS, (short) EVENT_DISABLE);
    }

    /** Writes a packed indirect-table entry (id 0: ignored in a table). */
    static void writeTableEntry(MemorySegment s, long off, long a, int l, int f) {
        s.set(VringDescLayout.LE64, off + DESC_ADDR, a);
        s.set(VringDescLayout.LE32, off + DESC_LEN, l);
        s.set(VringDescLayout.LE16, off + DESC_ID, (short) 0);
        s.set(VringDescLayout.LE16, off + DESC_FLAGS, (short) f);
    }

    /** The ring base to send with SET_VRING_BASE: both positions 0, both wrap counters 1. */
    static int initialBase() {
        return PackedRingLayout.base(0, true, 0, true);
    }
}
