package io.vhostdma.backend;

import static io.vhostdma.vhost.net.VirtioNetFeatures.RX_OFFLOADS;
import static io.vhostdma.vhost.net.VirtioNetFeatures.TX_OFFLOADS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.PacketBatch.Offload;
import io.vhostdma.backend.reactive.ReceiveOptions;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reactive receiver that opted in to offloads ({@link ReceiveOptions#OFFLOADS}) gets a guest's NEEDS_CSUM and TSO
 * frames exactly as the guest sent them (partial checksum, one TSO frame of up to 64 KiB) with the guest's header
 * fields, on the copying and on the lending receive; a malformed header is still {@code tx_bad_offload}; a received
 * offloaded frame sent on reaches a guest that negotiated GUEST_CSUM/GUEST_TSO as one frame with the same header.
 * (Without the opt-in the frames arrive completed and segmented: {@code OffloadDataPathTest}.)
 */
class ReactiveOffloadTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int MSS = 1448;
    /** Probes that show the receiver is installed; every test frame is longer. */
    private static final int PROBE = 60;
    @TempDir
    Path dir;

    private ReactiveFixture start() {
        return new ReactiveFixture(dir, DaemonFixture.builder(dir).port("a", 1).port("b", 1).config());
    }

    private static UnaryOperator<FrontendOptions.Builder> features(long extra) {
        return o -> o.features(VirtioFeatures.DEFAULT | extra).txBufferSize(65536 + 12).memorySize(64L << 20);
    }

    private static OffloadHeader tso(boolean ipv6, boolean ecn) {
        int l4 = OffloadFrames.l4(ipv6);
        int gso = (ipv6 ? OffloadHeader.GSO_TCPV6 : OffloadHeader.GSO_TCPV4) | (ecn ? OffloadHeader.GSO_ECN : 0);
        return new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, gso, l4 + 20, MSS, l4, 16);
    }

    private static OffloadHeader partial(boolean ipv6, boolean tcp) {
        return new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0, OffloadFrames.l4(ipv6), tcp ? 16 : 6);
    }

    private static Offload fields(OffloadHeader h) {
        return new Offload(h.flags(), h.gsoType(), h.hdrLen(), h.gsoSize(), h.csumStart(), h.csumOffset());
    }

    private static void send(VhostUserFrontend fe, byte[] frame, OffloadHeader h) {
        assertEquals(1, fe.send(0, MemorySegment.ofArray(frame), 0, frame.length, h), "queued");
    }

    /** A received frame, copied, with its fields as the primitive accessors give them. */
    private record Got(byte[] bytes, Offload offload) {
    }

    @ParameterizedTest(name = "lent={0}")
    @ValueSource(booleans = {false, true})
    void shouldHandFramesUnmodifiedWithTheirFieldsWhenReceiverKeepsOffloads(boolean lent) {
        try (ReactiveFixture f = start()) {
            VhostUserFrontend a = f.connect("a", features(TX_OFFLOADS));
            Collector rcv = new Collector(f, a, lent);
            byte[] tso4 = OffloadFrames.frame(B, A, false, true, 7, OffloadFrames.TCP_SEQ, 0x18,
                    OffloadFrames.payload(60_000, 3), false);
            byte[] tso6 = OffloadFrames.frame(B, A, true, true, 0, OffloadFrames.TCP_SEQ, 0x80 | 0x18 | 0x01,
                    OffloadFrames.payload(45_001, 5), false);
            byte[] udp = OffloadFrames.frame(B, A, false, false, 1, 0, 0, OffloadFrames.payload(700, 1), false);
            byte[] plain = Frames.frame(B, A, 9, 1000, 4);
            List<Got> want = List.of(new Got(tso4, fields(tso(false, false))), new Got(tso6, fields(tso(true, true))),
                    new Got(udp, fields(partial(false, false))), new Got(plain, Offload.NONE));
            send(a, tso4, tso(false, false));
            send(a, tso6, tso(true, true));
            send(a, udp, partial(false, false));
            ReactiveFixture.send(a, plain);
            List<Got> got = rcv.await(want.size());
            assertEquals(want.size(), got.size(), "frames received: one per frame sent, none segmented");
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i).bytes, got.get(i).bytes, "frame " + i + " as the guest sent it");
                assertEquals(want.get(i).offload, got.get(i).offload, "frame " + i + "'s header fields");
            }
            QueueCounters tx = f.counters("a").tx(0);
            assertEquals(List.of(0L, 0L, 0L), List.of(tx.gsoSegmentedFrames(), tx.csumFixups(),
                    f.counters("a").snapshot().totalDrops()), "gso_segmented, csum_fixups, drops");
        }
    }

    @ParameterizedTest(name = "lent={0}")
    @ValueSource(booleans = {false, true})
    void shouldDropMalformedHeaderWithTxBadOffloadWhenReceiverKeepsOffloads(boolean lent) {
        try (ReactiveFixture f = start()) {
            VhostUserFrontend a = f.connect("a", features(TX_OFFLOADS));
            Collector rcv = new Collector(f, a, lent);
            int l4 = OffloadFrames.l4(false);
            byte[] frame = OffloadFrames.frame(B, A, false, true, 1, 5, 0x10, OffloadFrames.payload(3000, 2), false);
            send(a, frame, new OffloadHeader().set(1, 0, 0, 0, 60_000, 16)); // csum_start past the frame
            send(a, frame, new OffloadHeader().set(1, OffloadHeader.GSO_TCPV4, l4 + 20, 0, l4, 16)); // gso_size 0
            send(a, frame, new OffloadHeader().set(1, OffloadHeader.GSO_TCPV4, 40_000, MSS, l4, 16)); // hdr_len past
            byte[] plain = Frames.frame(B, A, 9, 1000, 4);
            ReactiveFixture.send(a, plain);
            List<Got> got = rcv.await(1);
            QueueCounters tx = f.counters("a").tx(0);
            ReactiveFixture.awaitUntil(() -> tx.drops(DropReason.TX_BAD_OFFLOAD) == 3, "tx_bad_offload counted");
            assertEquals(1, got.size(), "only the good frame delivered");
            assertArrayEquals(plain, got.get(0).bytes);
        }
    }

    /**
     * Echo: a's frames received with their fields and sent into b, which negotiated the GUEST offloads, as they are
     * (a received batch is sent with its fields) and as an owned copy carrying {@code withOffload(0, offload(i))}.
     */
    @ParameterizedTest(name = "lent={0}")
    @ValueSource(booleans = {false, true})
    void shouldDeliverReceivedOffloadFrameWholeWhenSentToGuestWithGuestTso(boolean lent) {
        try (ReactiveFixture f = start()) {
            VhostUserFrontend a = f.connect("a", features(TX_OFFLOADS));
            VhostUserFrontend b = f.connect("b", features(RX_OFFLOADS));
            ReceiveOptions o = ReceiveOptions.OFFLOADS;
            Cancellable sub = (lent ? f.backend.receiveLent("a", o) : f.backend.receive("a", o)).onItem()
                    .transformToUniAndConcatenate(batch -> {
                        List<byte[]> copies = new ArrayList<>();
                        for (int i = 0; i < batch.size(); i++) {
                            copies.add(batch.toArray(i));
                        }
                        PacketBatch owned = PacketBatch.of(copies);
                        for (int i = 0; i < batch.size(); i++) {
                            owned.withOffload(i, batch.offload(i));
                        }
                        return f.backend.send("b", batch).chain(() -> f.backend.send("b", owned))
                                .eventually(batch::release);
                    })
                    .subscribe().with(n -> { });
            byte[] probe = Frames.frame(B, A, 0, PROBE, 1);
            ReactiveFixture.awaitUntil(() -> {
                ReactiveFixture.send(a, probe);
                return b.receive(0) != null;
            }, "echo running");
            byte[] tso = OffloadFrames.frame(B, A, false, true, 7, OffloadFrames.TCP_SEQ, 0x18,
                    OffloadFrames.payload(60_000, 3), false); // into one of the send ring's big slots
            byte[] udp6 = OffloadFrames.frame(B, A, true, false, 1, 0, 0, OffloadFrames.payload(999, 1), false);
            send(a, tso, tso(false, false));
            send(a, udp6, partial(true, false));
            int tsos = 0;
            int udps = 0;
            while (tsos + udps < 4) { // each frame twice: the received batch sent, and an owned copy withOffload
                byte[] g = Receive.next(b, "b");
                if (g.length == PROBE) {
                    continue;
                }
                boolean isTso = g.length == tso.length;
                assertArrayEquals(isTso ? tso : udp6, g, "the frame whole, as a sent it");
                assertEquals(fields(isTso ? tso(false, false) : partial(true, false)), fields(b.lastRxOffload(0)),
                        "b's RX header = a's TX header");
                tsos += isTso ? 1 : 0;
                udps += isTso ? 0 : 1;
            }
            sub.cancel();
            assertEquals(List.of(2, 2), List.of(tsos, udps), "TSO frames, partial-checksum frames");
            QueueCounters rx = f.counters("b").rx(0);
            assertEquals(List.of(2L, 0L, 0L), List.of(rx.gsoFrames(), rx.gsoSegmentedFrames(), rx.csumFixups()),
                    "gso_frames, gso_segmented, csum_fixups on b");
        }
    }

    /** A receiver keeping offloads (copied or lent) that copies every frame longer than a probe. */
    private static final class Collector {
        private final List<Got> all = new ArrayList<>();
        private final Cancellable sub;

        /** Subscribes to a's frames, then probes a until the receiver is installed. */
        Collector(ReactiveFixture f, VhostUserFrontend a, boolean lent) {
            ReceiveOptions o = ReceiveOptions.OFFLOADS;
            Multi<PacketBatch> stream = lent ? f.backend.receiveLent("a", o) : f.backend.receive("a", o);
            this.sub = stream.subscribe().with(this::take);
            byte[] probe = Frames.frame(B, A, 0, PROBE, 1);
            ReactiveFixture.awaitUntil(() -> {
                ReactiveFixture.send(a, probe);
                synchronized (all) {
                    return !all.isEmpty();
                }
            }, "the receiver gets frames");
        }

        private void take(PacketBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                Offload o = new Offload(batch.offloadFlags(i), batch.gsoType(i), batch.hdrLen(i), batch.gsoSize(i),
                        batch.csumStart(i), batch.csumOffset(i));
                assertEquals(o, batch.offload(i), "the record and the primitive accessors agree");
                assertEquals(!o.equals(Offload.NONE), batch.hasOffload(i), "hasOffload");
                synchronized (all) {
                    all.add(new Got(batch.toArray(i), o));
                }
            }
            batch.release();
        }

        /** Waits until {@code n} frames longer than a probe arrived; returns them (copies, in arrival order). */
        List<Got> await(int n) {
            List<Got> got = new ArrayList<>();
            ReactiveFixture.awaitUntil(() -> {
                got.clear();
                synchronized (all) {
                    all.stream().filter(g -> g.bytes.length != PROBE).forEach(got::add);
                }
                return got.size() >= n;
            }, n + " frames received");
            sub.cancel();
            return got;
        }
    }
}
