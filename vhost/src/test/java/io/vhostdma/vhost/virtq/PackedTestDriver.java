package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_AVAIL;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_USED;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U64_PLAIN;

/**
 * Test-only packed-ring driver over {@link TestDriver}'s guest memory: the descriptor ring at region 0's
 * {@link TestDriver#DESC_OFF}, the driver event area at {@link TestDriver#AVAIL_OFF}, the device event area at
 * {@link TestDriver#USED_OFF}. Writes chains as virtio 1.2 §2.8.21 says (every descriptor's AVAIL/USED bits for
 * its wrap, the head's flags last with release) and reads used descriptors as a driver does.
 */
final class PackedTestDriver implements AutoCloseable {
    private final TestDriver mem;
    private final MemorySegment r0;
    private final int size;
    private int next;
    private boolean wrap = true;
    private int nextUsed;
    private boolean usedWrap = true;
    private final int[] slotsOf;
    /** Buffers made available and not yet seen used, in order: {id, slots} (for the in-order poll). */
    private final java.util.ArrayDeque<int[]> order = new java.util.ArrayDeque<>();

    PackedTestDriver(int size) {
        this.mem = new TestDriver(1);
        this.r0 = mem.memory().segment(0);
        this.size = size;
        this.slotsOf = new int[size];
    }

    GuestMemory memory() {
        return mem.memory();
    }

    TestDriver bytes() {
        return mem;
    }

    int size() {
        return size;
    }

    /** A queue configured for this ring, base 0x8000 (both positions 0, wrap counters 1), attached. */
    PackedVirtqueue newQueue(boolean eventIdx, boolean indirect) {
        PackedVirtqueue q = new PackedVirtqueue(1);
        q.configure(size, TestDriver.UVA0 + TestDriver.DESC_OFF, TestDriver.UVA0 + TestDriver.AVAIL_OFF,
                TestDriver.UVA0 + TestDriver.USED_OFF);
        q.setFeatures(eventIdx, indirect);
        q.setLastAvailIndex(0x8000);
        int rc = q.attach(mem.memory(), true);
        if (rc != PathStatus.OK) {
            throw new IllegalStateException("attach failed: " + PathStatus.describe(rc));
        }
        return q;
    }

    /**
     * Makes a chain available: descriptor {@code i} = (addr[i], len[i], flags[i] | NEXT except the last), the id
     * in the last one; the head's flags are stored last, with release. Returns the head slot.
     */
    int add(int id, long[] addr, int[] len, int[] flags) {
        int head = next;
        boolean headWrap = wrap;
        int n = addr.length;
        for (int i = 0; i < n; i++) {
            int f = flags[i] | (i < n - 1 ? PackedRingLayout.F_NEXT : 0) | availBits(wrap);
            raw(next, addr[i], len[i], id, f, i != 0);
            if (++next == size) {
                next = 0;
                wrap = !wrap;
            }
        }
        U16_ATOMIC.setRelease(r0, TestDriver.DESC_OFF + 16L * head + 14,
                (short) ((flags[0] | (n > 1 ? PackedRingLayout.F_NEXT : 0)) | availBits(headWrap)));
        if (id < size) {
            slotsOf[id] = n;
        }
        order.add(new int[] {id, n});
        return head;
    }

    /** One readable (or writable) buffer as a one-descriptor chain. */
    int add1(int id, long addr, int len, int flags) {
        return add(id, new long[] {addr}, new int[] {len}, new int[] {flags});
    }

    static int availBits(boolean wrap) {
        return wrap ? F_AVAIL : F_USED;
    }

    /** Writes descriptor {@code slot} (flags too when {@code withFlags}). */
    void raw(int slot, long addr, int len, int id, int flags, boolean withFlags) {
        long off = TestDriver.DESC_OFF + 16L * slot;
        r0.set(U64_PLAIN, off, addr);
        r0.set(U32_PLAIN, off + 8, len);
        r0.set(U16_PLAIN, off + 12, (short) id);
        if (withFlags) {
            U16_ATOMIC.setRelease(r0, off + 14, (short) flags);
        }
    }

    /** Writes a packed indirect-table entry. */
    void indirectEntry(long tableGpa, int i, long addr, int len, int flags) {
        byte[] tmp = new byte[16];
        MemorySegment s = MemorySegment.ofArray(tmp);
        s.set(U64_PLAIN, 0, addr);
        s.set(U32_PLAIN, 8, len);
        s.set(U16_PLAIN, 14, (short) flags);
        mem.write(tableGpa + 16L * i, tmp);
    }

    /** The driver's next avail slot and wrap counter. */
    int nextAvail() {
        return next;
    }

    boolean availWrap() {
        return wrap;
    }

    /** The next used descriptor as {@code {id, len, flags}}, or null; moves past it by the id's chain length. */
    int[] pollUsed() {
        long off = TestDriver.DESC_OFF + 16L * nextUsed;
        int flags = (short) U16_ATOMIC.getAcquire(r0, off + 14) & 0xFFFF;
        boolean avail = (flags & F_AVAIL) != 0;
        boolean used = (flags & F_USED) != 0;
        if (avail != usedWrap || used != usedWrap) {
            return null;
        }
        int id = r0.get(U16_PLAIN, off + 12) & 0xFFFF;
        int len = r0.get(U32_PLAIN, off + 8);
        nextUsed += slotsOf[id];
        if (nextUsed >= size) {
            nextUsed -= size;
            usedWrap = !usedWrap;
        }
        return new int[] {id, len, flags};
    }

    /**
     * As an IN_ORDER driver reads: the next used descriptor names the last buffer of a batch; every buffer made
     * available up to it is used. Returns {@code {id, len, flags, buffers}} or null.
     */
    int[] pollUsedInOrder() {
        long off = TestDriver.DESC_OFF + 16L * nextUsed;
        int flags = (short) U16_ATOMIC.getAcquire(r0, off + 14) & 0xFFFF;
        if (((flags & F_AVAIL) != 0) != usedWrap || ((flags & F_USED) != 0) != usedWrap) {
            return null;
        }
        int id = r0.get(U16_PLAIN, off + 12) & 0xFFFF;
        int len = r0.get(U32_PLAIN, off + 8);
        int buffers = 0;
        int[] b;
        do {
            b = order.poll();
            buffers++;
            nextUsed += b[1];
            if (nextUsed >= size) {
                nextUsed -= size;
                usedWrap = !usedWrap;
            }
        } while (b[0] != id);
        return new int[] {id, len, flags, buffers};
    }

    /** The flags of descriptor {@code slot} (acquire). */
    int usedFlagsAt(int slot) {
        return (short) U16_ATOMIC.getAcquire(r0, TestDriver.DESC_OFF + 16L * slot + 14) & 0xFFFF;
    }

    int nextUsed() {
        return nextUsed;
    }

    /** Writes the driver event area: off_wrap, then flags with release. */
    void driverEvent(int offWrap, int flags) {
        r0.set(U16_PLAIN, TestDriver.AVAIL_OFF, (short) offWrap);
        U16_ATOMIC.setRelease(r0, TestDriver.AVAIL_OFF + 2, (short) flags);
    }

    int deviceOffWrap() {
        return r0.get(U16_PLAIN, TestDriver.USED_OFF) & 0xFFFF;
    }

    int deviceFlags() {
        return (short) U16_ATOMIC.getAcquire(r0, TestDriver.USED_OFF + 2) & 0xFFFF;
    }

    @Override
    public void close() {
        mem.close();
    }
}
