package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_VRING_ADDR. Note the order: used comes before avail.
 * <pre>
 * struct vhost_vring_addr {
 *     unsigned int index; unsigned int flags;      // flags bit 0: LOG
 *     uint64_t desc_user_addr; uint64_t used_user_addr; uint64_t avail_user_addr;
 *     uint64_t log_guest_addr;
 * };
 * </pre>
 */
public final class VringAddrLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT_UNALIGNED.withName("index"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("flags"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("desc"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("used"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("avail"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("log"));
    public static final long INDEX = offset("index");
    public static final long FLAGS = offset("flags");
    public static final long DESC = offset("desc");
    public static final long USED = offset("used");
    public static final long AVAIL = offset("avail");
    public static final long LOG = offset("log");
    public static final int BYTES = (int) LAYOUT.byteSize();

    private VringAddrLayout() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
