package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The header of the completion ring the kernel maps into the process for each Linux AIO context
 * (fs/aio.c; {@code io_setup} returns its address as the context id). The kernel writes {@code tail}
 * when it posts an event; user space may consume events by advancing {@code head} itself (the kernel
 * re-reads it when it runs short of free slots), which is how libaio reaps without a system call.
 * <pre>
 * struct aio_ring {
 *     unsigned id; unsigned nr; unsigned head; unsigned tail;
 *     unsigned magic; unsigned compat_features; unsigned incompat_features; unsigned header_length;
 *     struct io_event io_events[];   // 32 bytes each
 * };
 * </pre>
 */
final class AioRingLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("id"),
            ValueLayout.JAVA_INT.withName("nr"),
            ValueLayout.JAVA_INT.withName("head"),
            ValueLayout.JAVA_INT.withName("tail"),
            ValueLayout.JAVA_INT.withName("magic"),
            ValueLayout.JAVA_INT.withName("compat_features"),
            ValueLayout.JAVA_INT.withName("incompat_features"),
            ValueLayout.JAVA_INT.withName("header_length"));
    static final long HEAD = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("head"));
    static final long TAIL = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tail"));
    static final long MAGIC = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("magic"));
    /** {@code AIO_RING_MAGIC}. */
    static final int RING_MAGIC = 0xa10a10a1;

    private AioRingLayout() {
    }
}
