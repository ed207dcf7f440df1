package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

/**
 * One popped descriptor chain, as host segments split at region boundaries. Preallocated and reused: a pop
 * overwrites it, and nothing here allocates.
 *
 * <p>Segment {@code i} is the byte range {@code [offset(i), offset(i) + length(i))} of the REGION segment
 * {@code segment(i)} (never a slice, so passing it on allocates nothing). Readable (device-reads) segments come
 * first, then writable ones. Zero-length descriptors are skipped but counted in {@link #descriptorCount()}.
 *
 * <p>Owned by the thread that owns the queue.
 */
public final class DescriptorChain {

    /** Most segments a chain may need (like DPDK's BUF_VECTOR_MAX). */
    public static final int MAX_SEGMENTS = 256;
    /** Largest total chain length: the used element's len is 32 bits. */
    public static final long MAX_TOTAL_BYTES = 0xFFFF_FFFFL;
    /** One segment never exceeds this, so that lengths fit an int; longer pieces are split. */
    static final long MAX_SEGMENT_BYTES = 1L << 30;

    private final MemorySegment[] segments = new MemorySegment[MAX_SEGMENTS];
    private final long[] offsets = new long[MAX_SEGMENTS];
    private final int[] lengths = new int[MAX_SEGMENTS];
    private int head = -1;
    private int count;
    private int readableCount;
    private int descriptorCount;
    private long readableBytes;
    private long writableBytes;
    private int regionHint;

    /** Head descriptor index of the chain (the id returned in the used element). */
    public int head() {
        return head;
    }

    /** Number of segments. */
    public int segmentCount() {
        return count;
    }

    /** Region segment holding segment {@code i}. */
    public MemorySegment segment(int i) {
        return segments[i];
    }

    /** Offset of segment {@code i} inside {@link #segment(int)}. */
    public long offset(int i) {
        return offsets[i];
    }

    /** Length of segment {@code i} in bytes (greater than zero). */
    public int length(int i) {
        return lengths[i];
    }

    /** True when segment {@code i} is device-writable. */
    public boolean writable(int i) {
        return i >= readableCount;
    }

    /** Number of readable segments; they are segments {@code 0..readableCount()-1}. */
    public int readableCount() {
        return readableCount;
    }

    /** Total bytes of the readable segments. */
    public long readableBytes() {
        return readableBytes;
    }

    /** Total bytes of the writable segments. */
    public long writableBytes() {
        return writableBytes;
    }

    /** Descriptors walked, zero-length ones and the indirect pointer included. */
    public int descriptorCount() {
        return descriptorCount;
    }

    /** Starts a new chain. */
    void reset(int newHead) {
        head = newHead;
        count = 0;
        readableCount = 0;
        descriptorCount = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    /** Counts one walked descriptor. */
    void countDescriptor() {
        descriptorCount++;
    }

    /**
     * Appends a guest buffer, splitting it at region boundaries.
     *
     * @param gpa      guest-physical start
     * @param len      length, unsigned 32 bits (zero-length buffers are skipped)
     * @param writable device-writable
     * @return {@link VirtqStatus#OK} or an error code
     */
    int addBuffer(GuestMemory mem, long gpa, long len, boolean writable) {
        if (len == 0) {
            return VirtqStatus.OK;
        }
        if (!writable && writableBytes > 0) {
            return VirtqStatus.ERR_WRITE_ORDER;
        }
        if (Long.compareUnsigned(gpa + len, gpa) <= 0) {
            return VirtqStatus.ERR_ADDRESS;
        }
        if (readableBytes + writableBytes + len > MAX_TOTAL_BYTES) {
            return VirtqStatus.ERR_LENGTH;
        }
        long addr = gpa;
        long remaining = len;
        while (remaining > 0) {
            int r = mem.regionOfGpa(addr, regionHint);
            if (r < 0) {
                return VirtqStatus.ERR_ADDRESS;
            }
            regionHint = r;
            long piece = Math.min(Math.min(remaining, mem.bytesToRegionEnd(r, addr)), MAX_SEGMENT_BYTES);
            if (count == MAX_SEGMENTS) {
                return VirtqStatus.ERR_CHAIN_TOO_LONG;
            }
            segments[count] = mem.segment(r);
            offsets[count] = addr - mem.gpaBase(r);
            lengths[count] = (int) piece;
            count++;
            addr += piece;
            remaining -= piece;
        }
        if (writable) {
            writableBytes += len;
        } else {
            readableBytes += len;
            readableCount = count;
        }
        return VirtqStatus.OK;
    }
}
