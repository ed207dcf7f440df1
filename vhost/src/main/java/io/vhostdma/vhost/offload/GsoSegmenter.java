package io.vhostdma.vhost.offload;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.vhostdma.vhost.offload.FrameLayout.IP4_CHECKSUM;
import static io.vhostdma.vhost.offload.FrameLayout.IP4_ID;
import static io.vhostdma.vhost.offload.FrameLayout.IP4_TOTAL_LENGTH;
import static io.vhostdma.vhost.offload.FrameLayout.IP6_PAYLOAD_LENGTH;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_CHECKSUM;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_CWR;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_FIN;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_FLAGS;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_PSH;
import static io.vhostdma.vhost.offload.FrameLayout.TCP_SEQ;
import static io.vhostdma.vhost.offload.FrameLayout.UDP_CHECKSUM;
import static io.vhostdma.vhost.offload.FrameLayout.UDP_LENGTH;
import static io.vhostdma.vhost.offload.InternetChecksum.BE16;
import static io.vhostdma.vhost.offload.InternetChecksum.BE32;

/**
 * GSO done in software: a TCPv4, TCPv6 (gso_type 1, 4, with or without ECN) or UDP_L4 (5) frame of up to 64 KiB is
 * cut into frames of at most {@code gso_size} payload bytes each, every one with complete headers: IPv4 total
 * length, identification + i and header checksum; IPv6 payload length; TCP sequence number + i × gso_size, FIN and
 * PSH only on the last segment, CWR only on the first, full TCP checksum; UDP length and checksum. UFO (gso_type 3:
 * IP fragmentation) is not done: such a frame is {@link OffloadHeader#BAD_OFFLOAD}, as are a gso_size of 0, a gso
 * type that does not match the headers, length fields that disagree with the frame, and more than
 * {@link #MAX_SEGMENTS} segments. Owns one segment buffer; allocation-free after construction; one thread.
 */
public final class GsoSegmenter {
    /** Most segments one frame may become (a 64 KiB frame at an MSS of 128). */
    public static final int MAX_SEGMENTS = 512;
    /** Largest frame accepted: 64 KiB of IP packet plus an Ethernet header with one VLAN tag. */
    public static final int MAX_FRAME = 65535 + FrameLayout.ETH_HEADER + FrameLayout.VLAN_TAG;

    /** Receives each segment: {@code segment[0, length)}, valid only during the call. */
    @FunctionalInterface
    public interface Sink {
        void accept(MemorySegment segment, int length);
    }

    private final FrameLayout frame = new FrameLayout();
    private final MemorySegment out = Arena.ofAuto().allocate(MAX_FRAME, 16);

    /**
     * Segments {@code src[off, off + len)} as header {@code h} describes and hands each segment to {@code sink}.
     *
     * @return the number of segments, or {@link OffloadHeader#BAD_OFFLOAD}
     */
    public int segment(MemorySegment src, long off, int len, OffloadHeader h, Sink sink) {
        int kind = h.gsoKind();
        int mss = h.gsoSize();
        if (len > MAX_FRAME || mss == 0 || !frame.parse(src, off, len) || !matches(kind)) {
            return OffloadHeader.BAD_OFFLOAD;
        }
        int hdrs = frame.headers;
        int payload = len - hdrs;
        int count = payload == 0 ? 1 : (payload + mss - 1) / mss;
        if (count > MAX_SEGMENTS || h.hdrLen() > len) {
            return OffloadHeader.BAD_OFFLOAD;
        }
        int ipId = frame.ipv6 ? 0 : src.get(BE16, off + frame.l3 + IP4_ID) & 0xFFFF;
        int seq = kind == OffloadHeader.GSO_UDP_L4 ? 0 : src.get(BE32, off + frame.l4 + TCP_SEQ);
        for (int i = 0; i < count; i++) {
            int chunk = Math.min(mss, payload - i * mss);
            MemorySegment.copy(src, off, out, 0, hdrs);
            MemorySegment.copy(src, off + hdrs + (long) i * mss, out, hdrs, chunk);
            int segLen = hdrs + chunk;
            fixIp(segLen, ipId + i);
            if (kind == OffloadHeader.GSO_UDP_L4) {
                fixUdp(segLen);
            } else {
                fixTcp(segLen, seq + i * mss, i == 0, i == count - 1);
            }
            sink.accept(out, segLen);
        }
        return count;
    }

    private boolean matches(int kind) {
        return switch (kind) {
            case OffloadHeader.GSO_TCPV4 -> !frame.ipv6 && frame.proto == FrameLayout.PROTO_TCP;
            case OffloadHeader.GSO_TCPV6 -> frame.ipv6 && frame.proto == FrameLayout.PROTO_TCP;
            case OffloadHeader.GSO_UDP_L4 -> frame.proto == FrameLayout.PROTO_UDP;
            default -> false; // NONE has nothing to segment; UDP (UFO) would need IP fragmentation
        };
    }

    private void fixIp(int segLen, int id) {
        int l3 = frame.l3;
        if (frame.ipv6) {
            out.set(BE16, l3 + IP6_PAYLOAD_LENGTH, (short) (segLen - frame.l4));
            return;
        }
        out.set(BE16, l3 + IP4_TOTAL_LENGTH, (short) (segLen - l3));
        out.set(BE16, l3 + IP4_ID, (short) id);
        out.set(BE16, l3 + IP4_CHECKSUM, (short) 0);
        int ihl = frame.l4 - l3;
        out.set(BE16, l3 + IP4_CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(0, out, l3, ihl)));
    }

    private void fixTcp(int segLen, int seq, boolean first, boolean last) {
        int l4 = frame.l4;
        out.set(BE32, l4 + TCP_SEQ, seq);
        int flags = out.get(ValueLayout.JAVA_BYTE, l4 + TCP_FLAGS) & 0xFF;
        if (!last) {
            flags &= ~(TCP_FIN | TCP_PSH);
        }
        if (!first) {
            flags &= ~TCP_CWR;
        }
        out.set(ValueLayout.JAVA_BYTE, l4 + TCP_FLAGS, (byte) flags);
        l4Checksum(segLen, l4 + TCP_CHECKSUM, false);
    }

    private void fixUdp(int segLen) {
        out.set(BE16, frame.l4 + UDP_LENGTH, (short) (segLen - frame.l4));
        l4Checksum(segLen, frame.l4 + UDP_CHECKSUM, true);
    }

    /** The full L4 checksum of the segment in {@code out} (UDP: a computed 0 is sent as 0xFFFF). */
    private void l4Checksum(int segLen, int field, boolean udp) {
        int l4Length = segLen - frame.l4;
        out.set(BE16, field, (short) 0);
        long sum = frame.pseudoHeader(out, 0, l4Length);
        int c = InternetChecksum.finish(InternetChecksum.add(sum, out, frame.l4, l4Length));
        out.set(BE16, field, (short) (udp && c == 0 ? 0xFFFF : c));
    }
}
