package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U64_PLAIN;

/**
 * Test-only guest driver: builds guest memory from arena segments (three regions; GPA differs from UVA; regions 0
 * and 1 are adjacent in GPA so buffers can straddle them) and writes descriptors and the avail ring as a virtio
 * driver would. Its per-packet methods allocate nothing, so it can run inside the zero-allocation test.
 */
public final class TestDriver implements AutoCloseable {

    /** Size of each region. */
    public static final long REGION_SIZE = 1L << 20;
    /** GPA of region 0 (rings and a buffer area). */
    public static final long GPA0 = 0x0L;
    /** GPA of region 1, adjacent to region 0. */
    public static final long GPA1 = REGION_SIZE;
    /** GPA of region 2, far from the others. */
    public static final long GPA2 = 0x4000_0000L;
    /** UVA of region 0 as the front end would report it. */
    public static final long UVA0 = 0x7f00_0000_0000L;
    /** UVA of region 1. */
    public static final long UVA1 = 0x7f10_0000_0000L;
    /** UVA of region 2. */
    public static final long UVA2 = 0x7f20_0000_0000L;
    /** Offset of the descriptor table in region 0. */
    public static final long DESC_OFF = 0x0L;
    /** Offset of the avail ring in region 0. */
    public static final long AVAIL_OFF = 0x8_0000L;
    /** Offset of the used ring in region 0. */
    public static final long USED_OFF = 0xA_0000L;
    /** First byte of region 0 free for buffers. */
    public static final long BUF_OFF0 = 0xE_0000L;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] regions = new MemorySegment[3];
    private final long[] gpas = {GPA0, GPA1, GPA2};
    private final GuestMemory memory;
    private final int num;
    private int availIdx;

    /** Creates guest memory and an empty ring of {@code num} entries (power of two, at most 32768). */
    public TestDriver(int num) {
        this.num = num;
        for (int i = 0; i < 3; i++) {
            regions[i] = arena.allocate(REGION_SIZE, 4096);
        }
        memory = GuestMemory.of(List.of(
                new GuestRegion(GPA0, REGION_SIZE, UVA0, regions[0]),
                new GuestRegion(GPA1, REGION_SIZE, UVA1, regions[1]),
                new GuestRegion(GPA2, REGION_SIZE, UVA2, regions[2])), arena);
    }

    /** The guest memory table (closing the driver closes it). */
    public GuestMemory memory() {
        return memory;
    }

    /** Ring size. */
    public int num() {
        return num;
    }

    /** A queue configured for this ring and attached. */
    public SplitVirtqueue newQueue(boolean eventIdx, boolean indirect) {
        SplitVirtqueue q = new SplitVirtqueue(0);
        q.configure(num, UVA0 + DESC_OFF, UVA0 + AVAIL_OFF, UVA0 + USED_OFF);
        q.setFeatures(eventIdx, indirect);
        int rc = q.attach(memory, true);
        if (rc != PathStatus.OK) {
            throw new IllegalStateException("attach failed: " + PathStatus.describe(rc));
        }
        return q;
    }

    /** Writes descriptor {@code i} of the main table. */
    public void desc(int i, long addr, int len, int flags, int next) {
        descAt(regions[0], DESC_OFF + 16L * i, addr, len, flags, next);
    }

    /** Writes an indirect-table entry {@code i} of the table at {@code tableGpa}. */
    public void indirectDesc(long tableGpa, int i, long addr, int len, int flags, int next) {
        long gpa = tableGpa + 16L * i;
        byte[] tmp = new byte[16];
        MemorySegment s = MemorySegment.ofArray(tmp);
        descAt(s, 0, addr, len, flags, next);
        write(gpa, tmp);
    }

    private static void descAt(MemorySegment s, long off, long addr, int len, int flags, int next) {
        s.set(U64_PLAIN, off, addr);
        s.set(U32_PLAIN, off + 8, len);
        s.set(U16_PLAIN, off + 12, (short) flags);
        s.set(U16_PLAIN, off + 14, (short) next);
    }

    /** Puts {@code head} into the avail ring and bumps avail.idx with a release store. */
    public void publish(int head) {
        regions[0].set(U16_PLAIN, AVAIL_OFF + 4 + 2L * (availIdx & (num - 1)), (short) head);
        availIdx = (availIdx + 1) & 0xFFFF;
        U16_ATOMIC.setRelease(regions[0], AVAIL_OFF + 2, (short) availIdx);
    }

    /** Forces avail.idx (hostile tests). */
    public void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        U16_ATOMIC.setRelease(regions[0], AVAIL_OFF + 2, (short) availIdx);
    }

    /** Writes avail.ring[slot] without moving the index (hostile tests). */
    public void setAvailEntry(int slot, int head) {
        regions[0].set(U16_PLAIN, AVAIL_OFF + 4 + 2L * slot, (short) head);
    }

    /** Writes avail.flags. */
    public void setAvailFlags(int flags) {
        U16_ATOMIC.setRelease(regions[0], AVAIL_OFF, (short) flags);
    }

    /** Writes used_event. */
    public void setUsedEvent(int event) {
        U16_ATOMIC.setRelease(regions[0], AVAIL_OFF + 4 + 2L * num, (short) event);
    }

    /** Writes used.idx directly (simulates a previous back end). */
    public void setUsedIdx(int idx) {
        U16_ATOMIC.setRelease(regions[0], USED_OFF + 2, (short) idx);
    }

    /** used.idx as the driver sees it (acquire). */
    public int usedIdx() {
        return (short) U16_ATOMIC.getAcquire(regions[0], USED_OFF + 2) & 0xFFFF;
    }

    /** used.flags. */
    public int usedFlags() {
        return (short) U16_ATOMIC.getAcquire(regions[0], USED_OFF) & 0xFFFF;
    }

    /** avail_event. */
    public int availEvent() {
        return (short) U16_ATOMIC.getAcquire(regions[0], USED_OFF + 4 + 8L * num) & 0xFFFF;
    }

    /** used.ring[slot].id. */
    public int usedId(int slot) {
        return regions[0].get(U32_PLAIN, USED_OFF + 4 + 8L * slot);
    }

    /** used.ring[slot].len. */
    public int usedLen(int slot) {
        return regions[0].get(U32_PLAIN, USED_OFF + 4 + 8L * slot + 4);
    }

    /** The driver's avail index. */
    public int availIdx() {
        return availIdx;
    }

    private int regionOf(long gpa) {
        for (int i = 0; i < 3; i++) {
            if (gpa >= gpas[i] && gpa < gpas[i] + REGION_SIZE) {
                return i;
            }
        }
        throw new IllegalArgumentException("gpa outside test memory: 0x" + Long.toHexString(gpa));
    }

    /** Writes one guest byte. */
    public void writeByte(long gpa, byte b) {
        int r = regionOf(gpa);
        regions[r].set(ValueLayout.JAVA_BYTE, gpa - gpas[r], b);
    }

    /** Reads one guest byte. */
    public byte readByte(long gpa) {
        int r = regionOf(gpa);
        return regions[r].get(ValueLayout.JAVA_BYTE, gpa - gpas[r]);
    }

    /** Writes bytes at a guest address (may straddle regions 0 and 1). */
    public void write(long gpa, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            writeByte(gpa + i, data[i]);
        }
    }

    /** Reads bytes at a guest address. */
    public byte[] read(long gpa, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = readByte(gpa + i);
        }
        return out;
    }

    @Override
    public void close() {
        memory.close();
    }
}
