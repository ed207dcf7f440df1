package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct cmsghdr} (LP64) carrying SCM_RIGHTS.
 * <pre>
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; unsigned char data[]; };
 * CMSG_LEN(n) = 16 + n;  CMSG_SPACE(n) = 16 + align8(n)
 * </pre>
 */
final class CmsgHdrLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("cmsg_len"),
            ValueLayout.JAVA_INT.withName("cmsg_level"),
            ValueLayout.JAVA_INT.withName("cmsg_type"));
    static final long LEN = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("cmsg_len"));
    static final long LEVEL = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("cmsg_level"));
    static final long TYPE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("cmsg_type"));
    static final long DATA = LAYOUT.byteSize();
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;

    private CmsgHdrLayout() {
    }

    static long len(long n) {
        return DATA + n;
    }

    static long space(long n) {
        return DATA + ((n + 7) & ~7L);
    }
}
