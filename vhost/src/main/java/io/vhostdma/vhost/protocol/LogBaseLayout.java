package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_LOG_BASE (with LOG_SHMFD; the log memfd travels with it).
 * <pre>
 * struct vhost_user_log { uint64_t mmap_size; uint64_t mmap_offset; };
 * </pre>
 */
public final class LogBaseLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("mmap_size"), ValueLayout.JAVA_LONG_UNALIGNED.withName("mmap_offset"));
    public static final long MMAP_SIZE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("mmap_size"));
    public static final long MMAP_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("mmap_offset"));
    public static final int BYTES = (int) LAYOUT.byteSize();

    private LogBaseLayout() {
    }
}
