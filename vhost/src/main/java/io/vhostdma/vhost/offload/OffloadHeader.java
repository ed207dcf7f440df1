package io.vhostdma.vhost.offload;

import io.vhostdma.vhost.net.NetHeaderLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The offload fields of a virtio-net header ({@code struct virtio_net_hdr}, little-endian), read once into fields:
 * {@code flags} (NEEDS_CSUM 1, DATA_VALID 2), {@code gso_type} (NONE 0, TCPV4 1, UDP 3, TCPV6 4, UDP_L4 5, |ECN
 * 0x80), {@code hdr_len}, {@code gso_size}, {@code csum_start}, {@code csum_offset}. Mutable and reused.
 */
public final class OffloadHeader {
    /** flags: the checksum from csum_start on must be completed. */
    public static final int F_NEEDS_CSUM = 1;
    /** flags: the checksum was validated. */
    public static final int F_DATA_VALID = 2;
    /** gso_type values. */
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;
    /** The result of an offload on a malformed header or frame (the data path's {@code tx_bad_offload}). */
    public static final int BAD_OFFLOAD = -50;

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private int flags;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;

    /** Reads the six fields of the header at {@code hdr[off..]} (each once). */
    public OffloadHeader read(MemorySegment hdr, long off) {
        flags = hdr.get(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.FLAGS) & 0xFF;
        gsoType = hdr.get(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.GSO_TYPE) & 0xFF;
        hdrLen = hdr.get(LE16, off + NetHeaderLayout.HDR_LEN) & 0xFFFF;
        gsoSize = hdr.get(LE16, off + NetHeaderLayout.GSO_SIZE) & 0xFFFF;
        csumStart = hdr.get(LE16, off + NetHeaderLayout.CSUM_START) & 0xFFFF;
        csumOffset = hdr.get(LE16, off + NetHeaderLayout.CSUM_OFFSET) & 0xFFFF;
        return this;
    }

    /** Sets the fields directly. */
    public OffloadHeader set(int newFlags, int newGsoType, int newHdrLen, int newGsoSize, int newCsumStart,
            int newCsumOffset) {
        flags = newFlags;
        gsoType = newGsoType;
        hdrLen = newHdrLen;
        gsoSize = newGsoSize;
        csumStart = newCsumStart;
        csumOffset = newCsumOffset;
        return this;
    }

    /** Writes the six fields at {@code hdr[off..]} (num_buffers, at offset 10, is not touched). */
    public void write(MemorySegment hdr, long off) {
        hdr.set(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.FLAGS, (byte) flags);
        hdr.set(ValueLayout.JAVA_BYTE, off + NetHeaderLayout.GSO_TYPE, (byte) gsoType);
        hdr.set(LE16, off + NetHeaderLayout.HDR_LEN, (short) hdrLen);
        hdr.set(LE16, off + NetHeaderLayout.GSO_SIZE, (short) gsoSize);
        hdr.set(LE16, off + NetHeaderLayout.CSUM_START, (short) csumStart);
        hdr.set(LE16, off + NetHeaderLayout.CSUM_OFFSET, (short) csumOffset);
    }

    public int flags() {
        return flags;
    }

    public int gsoType() {
        return gsoType;
    }

    /** gso_type without the ECN bit. */
    public int gsoKind() {
        return gsoType & ~GSO_ECN;
    }

    public int hdrLen() {
        return hdrLen;
    }

    public int gsoSize() {
        return gsoSize;
    }

    public int csumStart() {
        return csumStart;
    }

    public int csumOffset() {
        return csumOffset;
    }

    public boolean needsChecksum() {
        return (flags & F_NEEDS_CSUM) != 0;
    }
}
