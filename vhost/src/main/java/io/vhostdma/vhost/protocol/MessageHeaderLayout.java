package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The 12-byte vhost-user message header; all fields host byte order (little-endian here).
 * <pre>
 * struct vhost_user_msg_header {
 *     uint32_t request;   // message id
 *     uint32_t flags;     // bits 0-1 version (1), bit 2 REPLY, bit 3 NEED_REPLY
 *     uint32_t size;      // payload bytes that follow
 * };
 * </pre>
 */
public final class MessageHeaderLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT_UNALIGNED.withName("request"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("flags"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("size"));
    public static final long REQUEST = offset("request");
    public static final long FLAGS = offset("flags");
    public static final long SIZE = offset("size");
    public static final int BYTES = (int) LAYOUT.byteSize();

    /** Protocol version carried in flags bits 0-1. */
    public static final int VERSION = 0x1;
    public static final int VERSION_MASK = 0x3;
    public static final int FLAG_REPLY = 0x4;
    public static final int FLAG_NEED_REPLY = 0x8;
    /** The exact flags every reply carries. */
    public static final int REPLY_FLAGS = VERSION | FLAG_REPLY;
    /** Largest payload accepted; larger messages close the connection. */
    public static final int MAX_PAYLOAD = 4096;

    private MessageHeaderLayout() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
