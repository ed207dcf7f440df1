package io.vhostdma.vhost.frontend;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The 12-byte virtio-net header used with VERSION_1 or MRG_RXBUF (the first 10 bytes otherwise).
 * <pre>
 * struct virtio_net_hdr_mrg_rxbuf {
 *     u8 flags; u8 gso_type; le16 hdr_len; le16 gso_size; le16 csum_start; le16 csum_offset;
 *     le16 num_buffers;   // RX: number of merged buffers; TX: 0
 * };
 * </pre>
 */
public final class NetHeaderLayout {
    private static final ValueLayout.OfShort LE16U =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("flags"), ValueLayout.JAVA_BYTE.withName("gso_type"),
            LE16U.withName("hdr_len"), LE16U.withName("gso_size"), LE16U.withName("csum_start"),
            LE16U.withName("csum_offset"), LE16U.withName("num_buffers"));
    public static final long FLAGS = offset("flags");
    public static final long NUM_BUFFERS = offset("num_buffers");
    public static final int BYTES = (int) LAYOUT.byteSize();
    /** Unaligned little-endian u16 for header fields (the header may sit at any offset). */
    static final ValueLayout.OfShort U16 = LE16U;

    private NetHeaderLayout() {
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
