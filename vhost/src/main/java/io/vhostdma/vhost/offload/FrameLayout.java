package io.vhostdma.vhost.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.vhostdma.vhost.offload.InternetChecksum.BE16;

/**
 * Where the headers of an Ethernet frame are ({@link #parse}): L3 after the Ethernet header (one 802.1Q tag
 * allowed), IPv4 (any IHL) or IPv6 (no extension headers), then TCP (any data offset) or UDP. Every length field
 * is checked against the frame before it is used. Offsets of the fields segmentation rewrites are constants here.
 */
final class FrameLayout {
    static final int ETH_TYPE = 12;
    static final int ETH_HEADER = 14;
    static final int VLAN_TAG = 4;
    static final int TPID_VLAN = 0x8100;
    static final int TYPE_IPV4 = 0x0800;
    static final int TYPE_IPV6 = 0x86DD;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    /** IPv4: total length, identification, protocol, header checksum, source (then destination). */
    static final int IP4_TOTAL_LENGTH = 2;
    static final int IP4_ID = 4;
    static final int IP4_PROTOCOL = 9;
    static final int IP4_CHECKSUM = 10;
    static final int IP4_SRC = 12;
    static final int IP4_MIN_HEADER = 20;
    /** IPv6: payload length, next header, source (then destination); a fixed 40-byte header. */
    static final int IP6_PAYLOAD_LENGTH = 4;
    static final int IP6_NEXT_HEADER = 6;
    static final int IP6_SRC = 8;
    static final int IP6_HEADER = 40;
    /** TCP: sequence number, data offset, flags, checksum. */
    static final int TCP_SEQ = 4;
    static final int TCP_DATA_OFFSET = 12;
    static final int TCP_FLAGS = 13;
    static final int TCP_CHECKSUM = 16;
    static final int TCP_MIN_HEADER = 20;
    static final int TCP_FIN = 0x01;
    static final int TCP_PSH = 0x08;
    static final int TCP_CWR = 0x80;
    /** UDP: length, checksum; an 8-byte header. */
    static final int UDP_LENGTH = 4;
    static final int UDP_CHECKSUM = 6;
    static final int UDP_HEADER = 8;

    int l3;
    boolean ipv6;
    int l4;
    int proto;
    /** Every header byte: payload starts here. */
    int headers;

    /** Parses {@code frame[off, off + len)}; false when a header is missing, truncated or inconsistent. */
    boolean parse(MemorySegment frame, long off, int len) {
        if (len < ETH_HEADER) {
            return false;
        }
        l3 = ETH_HEADER;
        int type = frame.get(BE16, off + ETH_TYPE) & 0xFFFF;
        if (type == TPID_VLAN) {
            if (len < ETH_HEADER + VLAN_TAG) {
                return false;
            }
            l3 += VLAN_TAG;
            type = frame.get(BE16, off + ETH_TYPE + VLAN_TAG) & 0xFFFF;
        }
        return switch (type) {
            case TYPE_IPV4 -> ipv4(frame, off, len) && l4(frame, off, len);
            case TYPE_IPV6 -> ipv6(frame, off, len) && l4(frame, off, len);
            default -> false;
        };
    }

    private boolean ipv4(MemorySegment frame, long off, int len) {
        if (len < l3 + IP4_MIN_HEADER) {
            return false;
        }
        int vihl = frame.get(ValueLayout.JAVA_BYTE, off + l3) & 0xFF;
        int ihl = (vihl & 0x0F) * 4;
        int total = frame.get(BE16, off + l3 + IP4_TOTAL_LENGTH) & 0xFFFF;
        ipv6 = false;
        proto = frame.get(ValueLayout.JAVA_BYTE, off + l3 + IP4_PROTOCOL) & 0xFF;
        l4 = l3 + ihl;
        return (vihl >> 4) == 4 && ihl >= IP4_MIN_HEADER && l4 <= len && total == len - l3;
    }

    private boolean ipv6(MemorySegment frame, long off, int len) {
        if (len < l3 + IP6_HEADER) {
            return false;
        }
        int version = (frame.get(ValueLayout.JAVA_BYTE, off + l3) & 0xF0) >> 4;
        int payload = frame.get(BE16, off + l3 + IP6_PAYLOAD_LENGTH) & 0xFFFF;
        ipv6 = true;
        proto = frame.get(ValueLayout.JAVA_BYTE, off + l3 + IP6_NEXT_HEADER) & 0xFF;
        l4 = l3 + IP6_HEADER;
        return version == 6 && payload == len - l4;
    }

    private boolean l4(MemorySegment frame, long off, int len) {
        if (proto == PROTO_TCP) {
            if (len < l4 + TCP_MIN_HEADER) {
                return false;
            }
            int doff = ((frame.get(ValueLayout.JAVA_BYTE, off + l4 + TCP_DATA_OFFSET) & 0xF0) >> 4) * 4;
            headers = l4 + doff;
            return doff >= TCP_MIN_HEADER && headers <= len;
        }
        if (proto == PROTO_UDP) {
            headers = l4 + UDP_HEADER;
            return headers <= len;
        }
        return false;
    }

    /** The pseudo-header sum (addresses, protocol, the L4 length {@code l4Length}) of the parsed frame. */
    long pseudoHeader(MemorySegment frame, long off, int l4Length) {
        long sum = ipv6 ? InternetChecksum.add(0, frame, off + l3 + IP6_SRC, 32)
                : InternetChecksum.add(0, frame, off + l3 + IP4_SRC, 8);
        return sum + proto + l4Length;
    }
}
