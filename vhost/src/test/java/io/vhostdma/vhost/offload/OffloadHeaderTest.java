package io.vhostdma.vhost.offload;

import static io.vhostdma.vhost.net.VirtioNetFeatures.TX_OFFLOADS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The TX header of a guest: read (split anywhere across descriptors), validated, and the work a receiver needs. */
class OffloadHeaderTest {
    private static final int LEN = 3000;

    /** A 12-byte little-endian header built with ByteBuffer (independent of the layout class). */
    private static byte[] header(int flags, int gso, int hdrLen, int gsoSize, int start, int offset) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put((byte) flags).put((byte) gso)
                .putShort((short) hdrLen).putShort((short) gsoSize).putShort((short) start).putShort((short) offset)
                .putShort((short) 0x5A5A).array();
    }

    private static List<Integer> fields(OffloadHeader h) {
        return List.of(h.flags(), h.gsoType(), h.hdrLen(), h.gsoSize(), h.csumStart(), h.csumOffset());
    }

    @ParameterizedTest(name = "first descriptor holds {0} header bytes")
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 9, 10, 12})
    void shouldReadEveryFieldWhenHeaderIsSplitAcrossDescriptors(int split) {
        byte[] hdr = header(1, 0x81, 66, 1448, 34, 16);
        GatherList chain = new GatherList(3);
        chain.add(MemorySegment.ofArray(java.util.Arrays.copyOf(hdr, split)), 0, split);
        byte[] rest = java.util.Arrays.copyOfRange(hdr, split, 12);
        if (rest.length > 0) {
            chain.add(MemorySegment.ofArray(rest), 0, rest.length);
        }
        chain.add(MemorySegment.ofArray(new byte[100]), 0, 100);
        assertEquals(List.of(1, 0x81, 66, 1448, 34, 16), fields(new OffloadHeader().read(chain)));
    }

    static List<Arguments> headers() {
        return List.of(
                Arguments.of("plain", header(0, 0, 0, 0, 0, 0), TX_OFFLOADS, 0),
                Arguments.of("NEEDS_CSUM inside the frame", header(1, 0, 0, 0, 34, 16), TX_OFFLOADS, 0),
                Arguments.of("csum field ends at the frame's end", header(1, 0, 0, 0, LEN - 18, 16), TX_OFFLOADS, 0),
                Arguments.of("csum field one byte past", header(1, 0, 0, 0, LEN - 17, 16), TX_OFFLOADS, -50),
                Arguments.of("csum_start past the frame", header(1, 0, 0, 0, LEN + 1, 0), TX_OFFLOADS, -50),
                Arguments.of("odd csum_offset", header(1, 0, 0, 0, 34, 15), TX_OFFLOADS, -50),
                Arguments.of("NEEDS_CSUM without CSUM", header(1, 0, 0, 0, 34, 16), 0L, -50),
                Arguments.of("TSO4", header(1, 1, 66, 1448, 34, 16), TX_OFFLOADS, 0),
                Arguments.of("TSO6 with ECN", header(1, 0x84, 86, 1428, 54, 16), TX_OFFLOADS, 0),
                Arguments.of("TSO4 without HOST_TSO4", header(1, 1, 66, 1448, 34, 16), VirtioNetFeatures.CSUM, -50),
                Arguments.of("ECN without HOST_ECN", header(1, 0x81, 66, 1448, 34, 16),
                        VirtioNetFeatures.CSUM | VirtioNetFeatures.HOST_TSO4, -50),
                Arguments.of("gso_size 0", header(1, 1, 66, 0, 34, 16), TX_OFFLOADS, -50),
                Arguments.of("hdr_len past the frame", header(1, 1, LEN + 1, 1448, 34, 16), TX_OFFLOADS, -50),
                Arguments.of("GSO without NEEDS_CSUM", header(0, 1, 66, 1448, 0, 0), TX_OFFLOADS, -50),
                Arguments.of("UFO", header(1, 3, 42, 1448, 34, 6), TX_OFFLOADS, -50),
                Arguments.of("USO", header(1, 5, 42, 1448, 34, 6), TX_OFFLOADS, -50),
                Arguments.of("unknown gso_type", header(1, 2, 66, 1448, 34, 16), TX_OFFLOADS, -50),
                Arguments.of("ECN bit alone", header(0, 0x80, 0, 0, 0, 0), TX_OFFLOADS, -50));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void shouldAcceptOnlyConsistentNegotiatedHeadersWhenValidating(String what, byte[] hdr, long features, int want) {
        OffloadHeader h = new OffloadHeader().read(MemorySegment.ofArray(hdr), 0);
        assertEquals(want, h.validate(LEN, features), what);
    }

    @ParameterizedTest(name = "DATA_VALID {0}")
    @ValueSource(ints = {2, 6})
    void shouldDropTxOnlyMeaninglessFlagsAndStaleFieldsWhenValidating(int flags) {
        OffloadHeader h = new OffloadHeader().read(MemorySegment.ofArray(header(flags, 0, 9, 9, 9, 9)), 0);
        assertEquals(0, h.validate(LEN, TX_OFFLOADS));
        assertEquals(List.of(0, 0, 0, 0, 0, 0), fields(h), "a plain header");
    }

    static List<Arguments> receivers() {
        long csum = VirtioNetFeatures.GUEST_CSUM;
        long tso4 = csum | VirtioNetFeatures.GUEST_TSO4;
        long all = tso4 | VirtioNetFeatures.GUEST_TSO6 | VirtioNetFeatures.GUEST_ECN;
        return List.of(
                Arguments.of(header(0, 0, 0, 0, 0, 0), 0L, OffloadHeader.RX_AS_IS),
                Arguments.of(header(1, 0, 0, 0, 34, 16), 0L, OffloadHeader.RX_COMPLETE_CSUM),
                Arguments.of(header(1, 0, 0, 0, 34, 16), csum, OffloadHeader.RX_AS_IS),
                Arguments.of(header(1, 1, 66, 1448, 34, 16), csum, OffloadHeader.RX_SEGMENT),
                Arguments.of(header(1, 1, 66, 1448, 34, 16), VirtioNetFeatures.GUEST_TSO4, OffloadHeader.RX_SEGMENT),
                Arguments.of(header(1, 1, 66, 1448, 34, 16), tso4, OffloadHeader.RX_AS_IS),
                Arguments.of(header(1, 4, 86, 1428, 54, 16), tso4, OffloadHeader.RX_SEGMENT),
                Arguments.of(header(1, 0x81, 66, 1448, 34, 16), tso4, OffloadHeader.RX_SEGMENT),
                Arguments.of(header(1, 0x84, 86, 1428, 54, 16), all, OffloadHeader.RX_AS_IS));
    }

    @ParameterizedTest
    @MethodSource("receivers")
    void shouldAskForSoftwareWorkOnlyWhenReceiverLacksTheFeature(byte[] hdr, long rx, int want) {
        OffloadHeader h = new OffloadHeader().read(MemorySegment.ofArray(hdr), 0);
        assertEquals(0, h.validate(LEN, TX_OFFLOADS));
        assertEquals(want, h.rxWork(rx));
    }
}
