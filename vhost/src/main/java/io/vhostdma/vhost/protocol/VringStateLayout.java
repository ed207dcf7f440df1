package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_VRING_NUM/BASE/ENABLE and GET_VRING_BASE.
 * <pre>
 * struct vhost_vring_state { unsigned int index; unsigned int num; };
 * </pre>
 */
public final class VringStateLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT_UNALIGNED.withName("index"), ValueLayout.JAVA_INT_UNALIGNED.withName("num"));
    public static final long INDEX = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("index"));
    public static final long NUM = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("num"));
    public static final int BYTES = (int) LAYOUT.byteSize();

    private VringStateLayout() {
    }
}
