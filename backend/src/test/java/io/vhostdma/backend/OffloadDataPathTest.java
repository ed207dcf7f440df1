package io.vhostdma.backend;

import static io.vhostdma.vhost.net.VirtioNetFeatures.RX_OFFLOADS;
import static io.vhostdma.vhost.net.VirtioNetFeatures.TX_OFFLOADS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The virtio-net offload translation end to end (Java front ends on both sides): a sender's TX header (NEEDS_CSUM,
 * TSO) reaches a receiver that negotiated the matching GUEST_* bits as it is; a receiver without them gets the
 * checksum completed or the frame segmented in software, byte for byte what an independent reference
 * ({@link OffloadFrames}) builds, counted ({@code csum_fixups}, {@code gso_segmented}); a malformed header is the
 * drop {@code tx_bad_offload}. On CPU copies, on DMA-bound queues inside an access group (one copy guest to guest)
 * and in the default segment (host buffers).
 */
class OffloadDataPathTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int MSS = 1448;
    private static final int TSO_PAYLOAD = 20_000;
    @TempDir
    Path dir;

    static Stream<Arguments> paths() {
        return Stream.of(Arguments.of("cpu", true), Arguments.of("sw", true), Arguments.of("sw", false));
    }

    private DaemonFixture start(String engine, boolean grouped) {
        DaemonFixture.Builder b = DaemonFixture.builder(dir).port("a", 1).port("b", 1);
        if (!engine.equals("cpu")) {
            b = AsyncDataPathTest.bindAll(b, engine, 0);
        }
        if (grouped) {
            b.group("tenant", AsyncDataPathTest.TOKEN, "a", "b");
        }
        return b.start();
    }

    private static UnaryOperator<FrontendOptions.Builder> features(long extra, boolean mergeable) {
        long f = (VirtioFeatures.DEFAULT | extra) & (mergeable ? -1L : ~VirtioNetFeatures.MRG_RXBUF);
        return o -> o.features(f).txBufferSize(32 * 1024).rxBufferSize(mergeable ? 2048 : 32 * 1024).memorySize(64L << 20);
    }

    private static void send(VhostUserFrontend fe, byte[] frame, OffloadHeader h) {
        assertEquals(1, fe.send(0, MemorySegment.ofArray(frame), 0, frame.length, h), "queued");
    }

    private static OffloadHeader tso(boolean ipv6, int flags) {
        int l4 = OffloadFrames.l4(ipv6);
        int gso = (ipv6 ? OffloadHeader.GSO_TCPV6 : OffloadHeader.GSO_TCPV4) | ((flags & 0x80) != 0 ? OffloadHeader.GSO_ECN : 0);
        return new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, gso, l4 + 20, MSS, l4, 16);
    }

    @ParameterizedTest(name = "{0} engine, group={1}")
    @MethodSource("paths")
    void shouldHandTsoFrameOverWholeWhenReceiverNegotiatedGuestTso(String engine, boolean grouped) {
        try (DaemonFixture d = start(engine, grouped)) {
            VhostUserFrontend a = d.connect("a", features(TX_OFFLOADS, true));
            VhostUserFrontend b = d.connect("b", features(RX_OFFLOADS, true));
            byte[] payload = OffloadFrames.payload(TSO_PAYLOAD, 3);
            byte[] f = OffloadFrames.frame(B, A, false, true, 7, OffloadFrames.TCP_SEQ, 0x18, payload, false);
            OffloadHeader h = tso(false, 0x18);
            send(a, f, h);
            PortCounters cb = d.counters("b");
            if (!engine.equals("cpu") && !grouped) {
                // a DMA ring outside a group cannot take a frame bigger than a host slot whole: segmented
                expectSegments(b, OffloadFrames.segments(B, A, false, 7, 0x18, payload, MSS));
                DaemonFixture.awaitUntil(() -> cb.rx(0).gsoSegmentedFrames() == 1, "gso_segmented counted");
                return;
            }
            Receive.expect(b, f, "the TSO frame, whole");
            OffloadHeader got = b.lastRxOffload(0);
            assertEquals(List.of(h.flags(), h.gsoType(), h.hdrLen(), h.gsoSize(), h.csumStart(), h.csumOffset()),
                    List.of(got.flags(), got.gsoType(), got.hdrLen(), got.gsoSize(), got.csumStart(), got.csumOffset()),
                    "RX header = the sender's TX header");
            DaemonFixture.awaitUntil(() -> cb.rx(0).gsoFrames() == 1, "gso_frames counted");
            assertEquals(0, cb.rx(0).gsoSegmentedFrames() + cb.rx(0).csumFixups());
        }
    }

    @ParameterizedTest(name = "{0} engine, group={1}")
    @MethodSource("paths")
    void shouldSegmentTsoFrameWhenReceiverLacksGuestTso(String engine, boolean grouped) {
        try (DaemonFixture d = start(engine, grouped)) {
            VhostUserFrontend a = d.connect("a", features(TX_OFFLOADS, true));
            VhostUserFrontend b = d.connect("b", features(0, true));
            PortCounters cb = d.counters("b");
            int segments = 0;
            for (boolean ipv6 : new boolean[] {false, true}) {
                int flags = 0x80 | 0x18 | 0x01; // CWR, PSH, ACK, FIN
                byte[] payload = OffloadFrames.payload(TSO_PAYLOAD + (ipv6 ? 77 : 0), ipv6 ? 5 : 9);
                byte[] f = OffloadFrames.frame(B, A, ipv6, true, 100, OffloadFrames.TCP_SEQ, flags, payload, false);
                send(a, f, tso(ipv6, flags));
                List<byte[]> want = OffloadFrames.segments(B, A, ipv6, 100, flags, payload, MSS);
                expectSegments(b, want);
                segments += want.size();
            }
            int total = segments;
            DaemonFixture.awaitUntil(() -> cb.rx(0).gsoSegmentedFrames() == 2 && cb.rx(0).packets() == total,
                    "gso_segmented and one packet per segment counted");
            assertEquals(0, cb.snapshot().totalDrops() + d.counters("a").snapshot().totalDrops(), "drops");
        }
    }

    private static void expectSegments(VhostUserFrontend b, List<byte[]> want) {
        for (int i = 0; i < want.size(); i++) {
            byte[] got = Receive.next(b, "segment " + i);
            assertArrayEquals(want.get(i), got, "segment " + i + " of " + want.size());
            assertTrue(b.lastRxOffload(0).plain(), "a segment's RX header is plain");
        }
    }

    @ParameterizedTest(name = "{0} engine, group={1}")
    @MethodSource("paths")
    void shouldCompleteChecksumWhenReceiverLacksGuestCsum(String engine, boolean grouped) {
        try (DaemonFixture d = start(engine, grouped)) {
            VhostUserFrontend a = d.connect("a", features(TX_OFFLOADS, true));
            VhostUserFrontend b = d.connect("b", features(0, false));
            PortCounters cb = d.counters("b");
            int n = 0;
            for (boolean ipv6 : new boolean[] {false, true}) {
                for (boolean tcp : new boolean[] {false, true}) {
                    byte[] payload = OffloadFrames.payload(1001 + n, n);
                    byte[] partial = OffloadFrames.frame(B, A, ipv6, tcp, 1, 5, 0x18, payload, false);
                    int l4 = OffloadFrames.l4(ipv6);
                    send(a, partial, new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0, l4, tcp ? 16 : 6));
                    byte[] full = OffloadFrames.frame(B, A, ipv6, tcp, 1, 5, 0x18, payload, true);
                    Receive.expect(b, full, "checksum completed: ipv6=" + ipv6 + " tcp=" + tcp);
                    assertTrue(OffloadFrames.l4Valid(full, ipv6, tcp), "the reference verifies");
                    n++;
                }
            }
            int fixed = n;
            DaemonFixture.awaitUntil(() -> cb.rx(0).csumFixups() == fixed, "csum_fixups counted");
            assertEquals(0, cb.snapshot().totalDrops(), "drops");
        }
    }

    @ParameterizedTest(name = "{0} engine, group={1}")
    @MethodSource("paths")
    void shouldPassPartialChecksumWhenReceiverNegotiatedGuestCsum(String engine, boolean grouped) {
        try (DaemonFixture d = start(engine, grouped)) {
            VhostUserFrontend a = d.connect("a", features(TX_OFFLOADS, true));
            VhostUserFrontend b = d.connect("b", features(VirtioNetFeatures.GUEST_CSUM, true));
            byte[] partial = OffloadFrames.frame(B, A, true, false, 1, 5, 0, OffloadFrames.payload(3000, 1), false);
            int l4 = OffloadFrames.l4(true);
            send(a, partial, new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0, l4, 6));
            Receive.expect(b, partial, "the frame as sent");
            OffloadHeader got = b.lastRxOffload(0);
            assertEquals(List.of(OffloadHeader.F_NEEDS_CSUM, l4, 6), List.of(got.flags(), got.csumStart(), got.csumOffset()));
            assertEquals(0, d.counters("b").rx(0).csumFixups());
        }
    }

    /**
     * A reactive receiver takes plain Ethernet frames: a guest's TSO frame reaches it segmented, a partial checksum
     * completed — also when it receives lent batches (such frames are copied, not lent).
     */
    @ParameterizedTest(name = "lent={0}")
    @ValueSource(booleans = {false, true})
    void shouldHandReactiveReceiverSegmentsAndCompletedChecksumsWhenGuestSendsOffloads(boolean lent) throws Exception {
        try (ReactiveFixture f = new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).port("b", 1).config())) {
            VhostUserFrontend a = f.connect("a", features(TX_OFFLOADS, true));
            List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
            var sub = (lent ? f.backend.receiveLent("a") : f.backend.receive("a")).subscribe().with(batch -> {
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(PacketBatch.Offload.NONE, batch.offload(i), "a received frame needs no offload work");
                    got.add(batch.toArray(i));
                }
                batch.release();
            });
            byte[] probe = Frames.frame(B, A, 0, 60, 1);
            ReactiveFixture.awaitUntil(() -> {
                ReactiveFixture.send(a, probe);
                return !got.isEmpty();
            }, "the receiver gets frames");

            byte[] payload = OffloadFrames.payload(TSO_PAYLOAD, 4);
            send(a, OffloadFrames.frame(B, A, true, true, 0, OffloadFrames.TCP_SEQ, 0x18, payload, false), tso(true, 0x18));
            byte[] partial = OffloadFrames.frame(B, A, false, false, 1, 0, 0, OffloadFrames.payload(700, 1), false);
            send(a, partial, new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0, OffloadFrames.l4(false), 6));
            List<byte[]> want = new ArrayList<>(OffloadFrames.segments(B, A, true, 0, 0x18, payload, MSS));
            want.add(OffloadFrames.frame(B, A, false, false, 1, 0, 0, OffloadFrames.payload(700, 1), true));
            List<byte[]> offloaded = Collections.synchronizedList(new ArrayList<>());
            ReactiveFixture.awaitUntil(() -> {
                offloaded.clear();
                synchronized (got) { // the probes are 60 bytes
                    got.stream().filter(g -> g.length != probe.length).forEach(offloaded::add);
                }
                return offloaded.size() >= want.size();
            }, "segments and the completed frame received");
            sub.cancel();
            assertEquals(want.size(), offloaded.size(), "frames received");
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i), offloaded.get(i), "frame " + i);
            }
            var tx = f.counters("a").tx(0);
            assertEquals(List.of(1L, 1L), List.of(tx.gsoSegmentedFrames(), tx.csumFixups()));
        }
    }

    /** An embedding program's send carries offload fields like a guest's TX header (completed here: b lacks GUEST_CSUM). */
    @Test
    void shouldTreatSentOffloadFieldsLikeGuestTxHeaderWhenProgramSends() {
        try (ReactiveFixture f = new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).port("b", 1).config())) {
            VhostUserFrontend b = f.connect("b", features(0, true));
            int l4 = OffloadFrames.l4(true);
            byte[] payload = OffloadFrames.payload(900, 8);
            byte[] partial = OffloadFrames.frame(B, A, true, true, 0, 3, 0x18, payload, false);
            PacketBatch batch = PacketBatch.of(partial, partial).withOffload(0, PacketBatch.Offload.partialChecksum(l4, 16))
                    .withOffload(1, new PacketBatch.Offload(1, 0, 0, 0, l4, 9_000)); // field past the frame
            assertEquals(PacketBatch.Offload.NONE, PacketBatch.of(partial).offload(0));
            int delivered = f.backend.send("b", batch).await().atMost(ReactiveFixture.WAIT);
            assertEquals(1, delivered, "the good frame delivered, the malformed one dropped");
            assertArrayEquals(OffloadFrames.frame(B, A, true, true, 0, 3, 0x18, payload, true),
                    ReactiveFixture.next(b, "b"), "checksum completed");
            PortCounters cb = f.counters("b");
            assertEquals(List.of(1L, 1L), List.of(cb.rx(0).csumFixups(), cb.rx(0).drops(DropReason.TX_BAD_OFFLOAD)));
        }
    }

    static Stream<Arguments> malformed() {
        int l4 = OffloadFrames.l4(false);
        return Stream.of(
                Arguments.of("csum_start past the frame", new OffloadHeader().set(1, 0, 0, 0, 60_000, 16), TX_OFFLOADS),
                Arguments.of("csum field past the frame", new OffloadHeader().set(1, 0, 0, 0, l4, 5000), TX_OFFLOADS),
                Arguments.of("gso_size 0 with a GSO type", new OffloadHeader().set(1, 1, l4 + 20, 0, l4, 16), TX_OFFLOADS),
                Arguments.of("hdr_len past the frame", new OffloadHeader().set(1, 1, 40_000, MSS, l4, 16), TX_OFFLOADS),
                Arguments.of("UFO (not offered)", new OffloadHeader().set(1, 3, l4 + 8, MSS, l4, 6), TX_OFFLOADS),
                Arguments.of("unknown gso_type", new OffloadHeader().set(1, 9, l4 + 20, MSS, l4, 16), TX_OFFLOADS),
                Arguments.of("GSO without NEEDS_CSUM", new OffloadHeader().set(0, 1, l4 + 20, MSS, 0, 0), TX_OFFLOADS),
                Arguments.of("NEEDS_CSUM without CSUM", new OffloadHeader().set(1, 0, 0, 0, l4, 16), 0L),
                Arguments.of("TSO4 without HOST_TSO4", new OffloadHeader().set(1, 1, l4 + 20, MSS, l4, 16),
                        VirtioNetFeatures.CSUM),
                Arguments.of("TSO frame whose headers say UDP", new OffloadHeader().set(1, 1, l4 + 8, MSS, l4, 6),
                        TX_OFFLOADS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldDropWithTxBadOffloadWhenHeaderIsMalformed(String what, OffloadHeader bad, long txFeatures) {
        try (DaemonFixture d = start("cpu", true)) {
            VhostUserFrontend a = d.connect("a", features(txFeatures, true));
            VhostUserFrontend b = d.connect("b", features(0, true));
            boolean tcp = bad.gsoType() != 1 || bad.csumOffset() != 6;
            byte[] f = OffloadFrames.frame(B, A, false, tcp, 1, 5, 0x10, OffloadFrames.payload(3000, 2), false);
            send(a, f, bad);
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.tx(0).drops(DropReason.TX_BAD_OFFLOAD)
                    + cb.rx(0).drops(DropReason.TX_BAD_OFFLOAD) == 1, "tx_bad_offload counted");
            byte[] ok = Frames.frame(B, A, 2, 600, 5);
            Receive.send(a, ok);
            Receive.expect(b, ok, "traffic continues after the drop");
            assertEquals(1, cb.rx(0).packets(), "only the good frame delivered");
        }
    }
}
