package io.vhostdma.vhost.net;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct virtio_net_hdr} with {@code num_buffers} (little-endian under VERSION_1).
 *
 * <pre>{@code
 * struct virtio_net_hdr {
 *     u8   flags;          // 1 NEEDS_CSUM, 2 DATA_VALID, 4 RSC_INFO
 *     u8   gso_type;       // 0 NONE, 1 TCPV4, 3 UDP, 4 TCPV6, 5 UDP_L4; | 0x80 ECN
 *     le16 hdr_len;
 *     le16 gso_size;
 *     le16 csum_start;
 *     le16 csum_offset;
 *     le16 num_buffers;    // only with VERSION_1 or MRG_RXBUF (the header is then 12 bytes, else 10)
 * };
 * }</pre>
 *
 * <p>The header may be split across descriptors; code that reads or writes it goes byte by byte through a
 * gather list, using the offsets below.
 */
public final class NetHeaderLayout {

    /** The 12-byte header. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("flags"),
            ValueLayout.JAVA_BYTE.withName("gso_type"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("hdr_len"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("gso_size"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("csum_start"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("csum_offset"),
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("num_buffers"))
            .withName("virtio_net_hdr");

    /** Offset of flags. */
    public static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    /** Offset of gso_type. */
    public static final long GSO_TYPE = LAYOUT.byteOffset(groupElement("gso_type"));
    /** Offset of hdr_len. */
    public static final long HDR_LEN = LAYOUT.byteOffset(groupElement("hdr_len"));
    /** Offset of gso_size. */
    public static final long GSO_SIZE = LAYOUT.byteOffset(groupElement("gso_size"));
    /** Offset of csum_start. */
    public static final long CSUM_START = LAYOUT.byteOffset(groupElement("csum_start"));
    /** Offset of csum_offset. */
    public static final long CSUM_OFFSET = LAYOUT.byteOffset(groupElement("csum_offset"));
    /** Offset of num_buffers. */
    public static final int NUM_BUFFERS = (int) LAYOUT.byteOffset(groupElement("num_buffers"));
    /** Header size with VERSION_1 or MRG_RXBUF. */
    public static final int SIZE_V1 = (int) LAYOUT.byteSize();
    /** Header size without them (no num_buffers). */
    public static final int SIZE_LEGACY = NUM_BUFFERS;

    private NetHeaderLayout() {
    }
}
