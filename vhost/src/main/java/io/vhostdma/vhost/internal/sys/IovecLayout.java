package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iovec}.
 * <pre>
 * struct iovec { void *iov_base; size_t iov_len; };
 * </pre>
 */
final class IovecLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
    static final long BASE = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_base"));
    static final long LEN = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));

    private IovecLayout() {
    }
}
