package io.vhostdma.vhost.virtq;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.memory.GuestMemory;

/**
 * One popped descriptor chain: its head, and its buffers as host ranges split at region boundaries
 * ({@link #buffers()}, a {@link GatherList}). Preallocated and reused: a pop overwrites it, and nothing here
 * allocates.
 *
 * <p>Range {@code i} of {@link #buffers()} is a byte range of a REGION segment (never a slice, so passing it on
 * allocates nothing). Readable (device-reads) ranges come first, then writable ones. Zero-length descriptors are
 * skipped but counted in {@link #descriptorCount()}.
 *
 * <p>Owned by the thread that owns the queue.
 */
public final class DescriptorChain {

    /** Most ranges a chain may need (like DPDK's BUF_VECTOR_MAX). */
    public static final int MAX_SEGMENTS = 256;
    /** Largest total chain length: the used element's len is 32 bits. */
    public static final long MAX_TOTAL_BYTES = 0xFFFF_FFFFL;
    /** One range never exceeds this, so that lengths fit an int; longer pieces are split. */
    static final long MAX_SEGMENT_BYTES = 1L << 30;

    private final GatherList buffers = new GatherList(MAX_SEGMENTS);
    private int head = -1;
    private int readableCount;
    private int descriptorCount;
    private long readableBytes;
    private long writableBytes;
    private int regionHint;
    /** The writable buffers as guest-physical ranges (adjacent ones merged), for dirty logging by id. */
    private final long[] writableGpa = new long[MAX_SEGMENTS];
    private final long[] writableLen = new long[MAX_SEGMENTS];
    private int writableRanges;

    /** Head descriptor index of the chain (the id returned in the used element). */
    public int head() {
        return head;
    }

    /** The chain's buffers: the readable ranges ({@code 0..readableCount()-1}), then the writable ones. */
    public GatherList buffers() {
        return buffers;
    }

    /** True when range {@code i} of {@link #buffers()} is device-writable. */
    public boolean writable(int i) {
        return i >= readableCount;
    }

    /** Number of readable ranges; they are ranges {@code 0..readableCount()-1} of {@link #buffers()}. */
    public int readableCount() {
        return readableCount;
    }

    /** Total bytes of the readable ranges. */
    public long readableBytes() {
        return readableBytes;
    }

    /** Total bytes of the writable ranges. */
    public long writableBytes() {
        return writableBytes;
    }

    /** Number of writable guest-physical ranges ({@link #writableGpa}, {@link #writableLength}). */
    int writableRanges() {
        return writableRanges;
    }

    /** Guest-physical start of writable range {@code i} (in chain order). */
    long writableGpa(int i) {
        return writableGpa[i];
    }

    /** Length of writable range {@code i}. */
    long writableLength(int i) {
        return writableLen[i];
    }

    /** Descriptors walked, zero-length ones and the indirect pointer included. */
    public int descriptorCount() {
        return descriptorCount;
    }

    /** Starts a new chain. */
    void reset(int newHead) {
        head = newHead;
        buffers.clear();
        readableCount = 0;
        descriptorCount = 0;
        readableBytes = 0;
        writableBytes = 0;
        writableRanges = 0;
    }

    /** Names the chain by its buffer id once the walk found it (a packed chain carries it in its last descriptor). */
    void identify(int id) {
        head = id;
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
     * @return {@link PathStatus#OK} or an error code
     */
    int addBuffer(GuestMemory mem, long gpa, long len, boolean writable) {
        if (len == 0) {
            return PathStatus.OK;
        }
        if (!writable && writableBytes > 0) {
            return PathStatus.ERR_WRITE_ORDER;
        }
        if (Long.compareUnsigned(gpa + len, gpa) <= 0) {
            return PathStatus.ERR_ADDRESS;
        }
        if (readableBytes + writableBytes + len > MAX_TOTAL_BYTES) {
            return PathStatus.ERR_LENGTH;
        }
        long addr = gpa;
        long remaining = len;
        while (remaining > 0) {
            int r = mem.regionOfGpa(addr, regionHint);
            if (r < 0) {
                return PathStatus.ERR_ADDRESS;
            }
            regionHint = r;
            long piece = Math.min(Math.min(remaining, mem.bytesToRegionEnd(r, addr)), MAX_SEGMENT_BYTES);
            if (!buffers.add(mem.segment(r), addr - mem.gpaBase(r), (int) piece)) {
                return PathStatus.ERR_CHAIN_TOO_LONG;
            }
            addr += piece;
            remaining -= piece;
        }
        if (writable) {
            writableBytes += len;
            addWritableRange(gpa, len);
        } else {
            readableBytes += len;
            readableCount = buffers.count();
        }
        return PathStatus.OK;
    }

    /** Appends a writable range (fewer ranges than buffers: each added buffer here took at least one). */
    private void addWritableRange(long gpa, long len) {
        int last = writableRanges - 1;
        if (last >= 0 && writableGpa[last] + writableLen[last] == gpa) {
            writableLen[last] += len;
            return;
        }
        writableGpa[writableRanges] = gpa;
        writableLen[writableRanges] = len;
        writableRanges++;
    }
}
