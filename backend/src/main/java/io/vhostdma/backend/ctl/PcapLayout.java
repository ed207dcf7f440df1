package io.vhostdma.backend.ctl;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The classic pcap file format (libpcap's savefile, readable by tcpdump, Wireshark, tshark): a file header, then
 * for each packet a record header followed by the packet's captured bytes. Every field is an unsigned 32-bit or
 * 16-bit integer in the writer's byte order, which readers recognise from the magic number; this writer uses
 * little-endian.
 * <pre>
 * file header (24 bytes)                         record header (16 bytes)
 *  0  u32 magic      0xa1b2c3d4 (microseconds)    0  u32 seconds     since the Unix epoch
 *  4  u16 major      2                            4  u32 micros      within that second
 *  6  u16 minor      4                            8  u32 captured    bytes that follow (at most snaplen)
 *  8  i32 zone       0 (UTC)                     12  u32 original    the packet's length on the wire
 * 12  u32 sigfigs    0
 * 16  u32 snaplen    most bytes kept per packet
 * 20  u32 linktype   1 (Ethernet: frames start with the destination MAC)
 * </pre>
 */
final class PcapLayout {
    static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    static final short VERSION_MAJOR = 2;
    static final short VERSION_MINOR = 4;
    static final int LINKTYPE_ETHERNET = 1;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final StructLayout FILE_HEADER = MemoryLayout.structLayout(U32.withName("magic"),
            U16.withName("major"), U16.withName("minor"), U32.withName("zone"), U32.withName("sigfigs"),
            U32.withName("snaplen"), U32.withName("linktype"));
    static final StructLayout RECORD_HEADER = MemoryLayout.structLayout(U32.withName("seconds"),
            U32.withName("micros"), U32.withName("captured"), U32.withName("original"));

    static final long MAGIC = offset(FILE_HEADER, "magic");
    static final long MAJOR = offset(FILE_HEADER, "major");
    static final long MINOR = offset(FILE_HEADER, "minor");
    static final long SNAPLEN = offset(FILE_HEADER, "snaplen");
    static final long LINKTYPE = offset(FILE_HEADER, "linktype");
    static final long SECONDS = offset(RECORD_HEADER, "seconds");
    static final long MICROS = offset(RECORD_HEADER, "micros");
    static final long CAPTURED = offset(RECORD_HEADER, "captured");
    static final long ORIGINAL = offset(RECORD_HEADER, "original");

    private PcapLayout() {
    }

    /** A 32-bit field as the file stores it. */
    static ValueLayout.OfInt u32() {
        return U32;
    }

    /** A 16-bit field as the file stores it. */
    static ValueLayout.OfShort u16() {
        return U16;
    }

    private static long offset(StructLayout s, String field) {
        return s.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
