package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One region of SET_MEM_TABLE (which is {@code u32 nregions; u32 padding; region[nregions]}).
 * <pre>
 * struct vhost_user_memory_region {
 *     uint64_t guest_phys_addr; uint64_t memory_size; uint64_t userspace_addr; uint64_t mmap_offset;
 * };
 * </pre>
 */
public final class MemoryRegionLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("guest_phys_addr"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("memory_size"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("userspace_addr"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("mmap_offset"));
    public static final long GPA = offset("guest_phys_addr");
    public static final long SIZE = offset("memory_size");
    public static final long UVA = offset("userspace_addr");
    public static final long MMAP_OFFSET = offset("mmap_offset");
    public static final int BYTES = (int) LAYOUT.byteSize();
    /** Offset of region[0] in the SET_MEM_TABLE payload (after nregions and padding). */
    public static final int TABLE_HEADER_BYTES = 8;
    /** Most regions one SET_MEM_TABLE may carry. */
    public static final int MAX_REGIONS = 8;

    private MemoryRegionLayout() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
