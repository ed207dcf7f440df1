package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The argument of {@code UDMABUF_CREATE} (linux/udmabuf.h), 24 bytes.
 * <pre>
 * struct udmabuf_create {
 *     __u32 memfd;    // the sealed memfd to export pages of
 *     __u32 flags;    // UDMABUF_FLAGS_CLOEXEC (0x01)
 *     __u64 offset;   // page-aligned file offset
 *     __u64 size;     // page-aligned length
 * };
 * </pre>
 */
final class UdmabufCreateLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("memfd"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_LONG.withName("offset"),
            ValueLayout.JAVA_LONG.withName("size"));
    static final long MEMFD = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("memfd"));
    static final long FLAGS = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("flags"));
    static final long OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("offset"));
    static final long SIZE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("size"));
    /** The new dmabuf fd is close-on-exec. */
    static final int FLAGS_CLOEXEC = 0x01;

    private UdmabufCreateLayout() {
    }
}
