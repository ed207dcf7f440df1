package io.vhostdma.vhost.memory;

import java.lang.foreign.MemorySegment;

/**
 * One guest memory region.
 *
 * @param gpa     guest-physical address of the first byte (unsigned)
 * @param size    length in bytes, greater than zero
 * @param uva     front-end user address of the first byte (unsigned)
 * @param segment host mapping of exactly {@code size} bytes; its {@code address()} is the host virtual address,
 *                later used as the DMA IOVA
 */
public record GuestRegion(long gpa, long size, long uva, MemorySegment segment) {

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
