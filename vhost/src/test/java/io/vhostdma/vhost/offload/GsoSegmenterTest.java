package io.vhostdma.vhost.offload;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Software GSO against frames and checksums built independently ({@link RefFrames}). */
class GsoSegmenterTest {
    private final GsoSegmenter gso = new GsoSegmenter();
    private final List<byte[]> segments = new ArrayList<>();
    private final GsoSegmenter.Sink sink = (s, len) -> segments.add(s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));

    private int run(byte[] f, int gsoType, int mss) {
        OffloadHeader h = new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, gsoType, 0, mss, 0, 0);
        return gso.segment(MemorySegment.ofArray(f), 0, f.length, h, sink);
    }

    @Test
    void shouldCutTcpv4IntoMssSegmentsWithFixedHeadersWhenFrameIsLarge() {
        byte[] payload = RefFrames.payload(4000, 5);
        int flags = 0x80 | 0x10 | 0x08 | 0x01; // CWR ACK PSH FIN
        byte[] f = RefFrames.frame(false, false, true, 5, flags, payload);
        assertEquals(3, run(f, OffloadHeader.GSO_TCPV4 | OffloadHeader.GSO_ECN, 1448));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int[] sizes = {1448, 1448, 1104};
        for (int i = 0; i < 3; i++) {
            byte[] s = segments.get(i);
            assertEquals(54 + sizes[i], s.length);
            assertEquals(s.length - 14, RefFrames.u16(s, 16), "IPv4 total length");
            assertEquals(0x1234 + i, RefFrames.u16(s, 18), "IPv4 identification");
            assertTrue(RefFrames.ip4Valid(s, 14), "IPv4 header checksum");
            assertEquals(0xFFFFF000 + i * 1448, RefFrames.u32(s, 38), "TCP sequence number wraps as u32");
            int want = 0x10 | (i == 0 ? 0x80 : 0) | (i == 2 ? 0x09 : 0);
            assertEquals(want, s[47] & 0xFF, "CWR on the first only, PSH and FIN on the last only");
            assertTrue(RefFrames.l4Valid(s, 14, 34, false, 6), "TCP checksum of segment " + i);
            assertArrayEquals(RefFrames.slice(f, 0, 14), RefFrames.slice(s, 0, 14), "Ethernet header");
            joined.writeBytes(RefFrames.slice(s, 54, s.length));
        }
        assertArrayEquals(payload, joined.toByteArray(), "the payload, in order");
    }

    @Test
    void shouldCutTcpv6WithOptionsBehindAVlanTag() {
        byte[] payload = RefFrames.payload(3000, 7);
        byte[] f = RefFrames.frame(true, true, true, 8, 0x18, payload);
        int hdrs = 18 + 40 + 32;
        assertEquals(3, run(f, OffloadHeader.GSO_TCPV6, 1220));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] s : segments) {
            assertEquals(s.length - 18 - 40, RefFrames.u16(s, 18 + 4), "IPv6 payload length");
            assertTrue(RefFrames.l4Valid(s, 18, 58, true, 6));
            assertArrayEquals(RefFrames.slice(f, 58 + 20, hdrs), RefFrames.slice(s, 58 + 20, hdrs), "TCP options kept");
            joined.writeBytes(RefFrames.slice(s, hdrs, s.length));
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test
    void shouldCutUdpL4IntoDatagramsWithTheirOwnLengthAndChecksum() {
        byte[] payload = RefFrames.payload(2501, 1);
        byte[] f = RefFrames.frame(false, false, false, 0, 0, payload);
        assertEquals(3, run(f, OffloadHeader.GSO_UDP_L4, 1000));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] s : segments) {
            assertEquals(s.length - 34, RefFrames.u16(s, 38), "UDP length");
            assertTrue(RefFrames.l4Valid(s, 14, 34, false, 17));
            assertTrue(RefFrames.ip4Valid(s, 14));
            joined.writeBytes(RefFrames.slice(s, 42, s.length));
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test
    void shouldEmitOneCompleteFrameWhenPayloadFitsOneSegment() {
        byte[] f = RefFrames.frame(false, false, true, 5, 0x18, RefFrames.payload(100, 2));
        assertEquals(1, run(f, OffloadHeader.GSO_TCPV4, 1448));
        assertTrue(RefFrames.l4Valid(segments.get(0), 14, 34, false, 6));
        assertEquals(0x18, segments.get(0)[47] & 0xFF);
    }

    @Test
    void shouldRefuseMalformedOffloadHeadersAndFrames() {
        byte[] v4 = RefFrames.frame(false, false, true, 5, 0x10, RefFrames.payload(2000, 1));
        byte[] v6 = RefFrames.frame(true, false, true, 5, 0x10, RefFrames.payload(2000, 1));
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(v4, OffloadHeader.GSO_TCPV4, 0), "gso_size 0");
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(v6, OffloadHeader.GSO_TCPV4, 1000), "TCPV4 on an IPv6 frame");
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(v4, OffloadHeader.GSO_UDP, 1000), "UFO is not done");
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(v4, OffloadHeader.GSO_UDP_L4, 1000), "UDP_L4 on a TCP frame");
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(v4, OffloadHeader.GSO_TCPV4, 1), "more than 512 segments");
        byte[] lying = v4.clone();
        lying[16] = 0x7F; // IPv4 total length disagrees with the frame
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(lying, OffloadHeader.GSO_TCPV4, 1000));
        byte[] doff = RefFrames.frame(false, false, true, 5, 0x10, new byte[0]);
        doff[46] = (byte) 0xF0; // TCP data offset of 60 bytes in a frame that ends after 20
        assertEquals(OffloadHeader.BAD_OFFLOAD, run(doff, OffloadHeader.GSO_TCPV4, 1000), "truncated TCP header");
        OffloadHeader longHdr = new OffloadHeader().set(1, OffloadHeader.GSO_TCPV4, v4.length + 1, 1000, 0, 0);
        assertEquals(OffloadHeader.BAD_OFFLOAD, gso.segment(MemorySegment.ofArray(v4), 0, v4.length, longHdr, sink),
                "hdr_len past the frame");
        assertEquals(0, segments.size(), "nothing emitted");
    }
}
