package io.vhostdma.vhost.memory;

import java.lang.foreign.MemorySegment;

/**
 * One guest memory region and how the DMA layer can register it.
 *
 * <p>A region is either <em>external memory</em> ({@code dmabufFd == -1}: the DMA layer registers the host mapping by
 * address) or a <em>dma-buf</em> ({@code dmabufFd >= 0}: the DMA layer imports the fd, and the region's first byte is
 * {@code dmabufOffset} bytes into it). The dma-buf fd belongs to the {@link GuestMemory} holding the region, which
 * closes it in {@link GuestMemory#close()}.
 *
 * @param gpa          guest-physical address of the first byte (unsigned)
 * @param size         length in bytes, greater than zero
 * @param uva          front-end user address of the first byte (unsigned)
 * @param segment      host mapping of exactly {@code size} bytes; its {@code address()} is the host virtual address,
 *                     later used as the DMA IOVA
 * @param dmabufFd     the dma-buf fd backing the region, or -1 for external memory
 * @param dmabufOffset offset of the region's first byte inside the dma-buf; 0 for external memory
 * @param fixedSize    the memory cannot shrink under the mapping: its fd was a memfd sealed with
 *                     {@code F_SEAL_SHRINK}, or a dma-buf (whose size is fixed). Only such memory may be
 *                     handed to a DMA engine that copies outside the JVM's checks (a truncated memfd would raise
 *                     SIGBUS in that engine's thread and kill the process).
 */
public record GuestRegion(long gpa, long size, long uva, MemorySegment segment, int dmabufFd, long dmabufOffset,
                          boolean fixedSize) {

    /** Validates the region on its own; overlap with other regions is checked by {@link GuestMemory}. */
    public GuestRegion {
        if (segment == null) {
            throw new GuestMemoryException("region segment is null: gpa=0x" + Long.toHexString(gpa));
        }
        if (size <= 0) {
            throw new GuestMemoryException("region size must be positive: gpa=0x" + Long.toHexString(gpa)
                    + " size=" + size);
        }
        if (segment.byteSize() != size) {
            throw new GuestMemoryException("region segment length differs from size: gpa=0x"
                    + Long.toHexString(gpa) + " size=" + size + " segmentSize=" + segment.byteSize());
        }
        if (endOverflows(gpa, size) || endOverflows(uva, size)) {
            throw new GuestMemoryException("region end overflows 64 bits: gpa=0x" + Long.toHexString(gpa)
                    + " uva=0x" + Long.toHexString(uva) + " size=" + size);
        }
        if (dmabufFd < -1 || dmabufOffset < 0 || (dmabufFd == -1 && dmabufOffset != 0)) {
            throw new GuestMemoryException("bad dma-buf: gpa=0x" + Long.toHexString(gpa) + " dmabufFd=" + dmabufFd
                    + " dmabufOffset=" + dmabufOffset);
        }
    }

    /** A region whose size is fixed exactly when it is a dma-buf. */
    public GuestRegion(long gpa, long size, long uva, MemorySegment segment, int dmabufFd, long dmabufOffset) {
        this(gpa, size, uva, segment, dmabufFd, dmabufOffset, dmabufFd >= 0);
    }

    /** An external-memory region (no dma-buf, size not known to be fixed). */
    public GuestRegion(long gpa, long size, long uva, MemorySegment segment) {
        this(gpa, size, uva, segment, -1, 0);
    }

    /** True when the region is backed by a dma-buf ({@link #dmabufFd()} ≥ 0). */
    public boolean isDmabuf() {
        return dmabufFd >= 0;
    }

    /** How the DMA layer registers the region: {@code "dmabuf"} or {@code "external"} (for status output). */
    public String kind() {
        return isDmabuf() ? "dmabuf" : "external";
    }

    /** True when {@code addr} lies inside {@code [gpa, gpa + size)}. */
    public boolean containsGpa(long addr) {
        return Long.compareUnsigned(addr - gpa, size) < 0;
    }

    /** True when {@code addr} lies inside {@code [uva, uva + size)}. */
    public boolean containsUva(long addr) {
        return Long.compareUnsigned(addr - uva, size) < 0;
    }

    /** True when {@code [start, start + size)} ends beyond 2^64 (an end of exactly 2^64 is refused as well). */
    static boolean endOverflows(long start, long size) {
        return Long.compareUnsigned(start + size, start) <= 0;
    }
}
