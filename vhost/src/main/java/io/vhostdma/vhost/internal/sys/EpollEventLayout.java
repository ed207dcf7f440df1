package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event} as declared on x86-64, where it is packed (12 bytes).
 * <pre>
 * struct epoll_event { uint32_t events; epoll_data_t data; } __attribute__((packed));
 * </pre>
 */
final class EpollEventLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("events"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("data"));
    static final long EVENTS = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    static final long DATA = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    static final long SIZE = LAYOUT.byteSize();

    private EpollEventLayout() {
    }
}
