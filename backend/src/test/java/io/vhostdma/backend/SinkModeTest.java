package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forwarding: sink}: transmitted frames are counted and go nowhere; a guest's offloaded frames are counted as
 * sent (a TSO frame once, with all its bytes) and neither completed nor segmented.
 */
class SinkModeTest {
    private static final int FRAMES = 3000;
    @TempDir
    Path dir;

    @Test
    void shouldCountEveryTransmittedFrameAndDeliverNothingWhenForwardingIsSink() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).sink().start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            long bytesA = 0;
            long bytesB = 0;
            int[] sizes = Frames.sizes(FRAMES, 5, 0, 0);
            for (int i = 0; i < FRAMES; i++) {
                byte[] toB = Frames.frame(Frames.mac(0xb), Frames.mac(0xa), i, sizes[i], 1);
                byte[] toA = Frames.frame(Frames.BROADCAST, Frames.mac(0xb), i, 60 + i % 7, 2);
                Receive.send(a, toB);
                Receive.send(b, toA);
                bytesA += toB.length;
                bytesB += toA.length;
            }
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.tx(0).packets() == FRAMES && cb.tx(0).packets() == FRAMES,
                    "sink counted every frame");
            assertEquals(bytesA, ca.tx(0).bytes(), "guest_tx bytes of a");
            assertEquals(bytesB, cb.tx(0).bytes(), "guest_tx bytes of b");
            assertEquals(0, ca.rx(0).packets() + cb.rx(0).packets(), "nothing delivered");
            assertEquals(0, ca.snapshot().totalDrops() + cb.snapshot().totalDrops(), "sink is not a drop reason");
            assertNull(a.receive(0), "a received nothing");
            assertNull(b.receive(0), "b received nothing");
            d.vhostd().close();
            String out = d.output();
            org.junit.jupiter.api.Assertions.assertTrue(out.contains("final port=a guest_tx_pkts=" + FRAMES
                    + " guest_tx_bytes=" + bytesA + " guest_rx_pkts=0"), out);
        }
    }

    @Test
    void shouldCountTsoFrameOnceAndDoNoOffloadWorkWhenForwardingIsSink() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).sink().start()) {
            long tx = VirtioNetFeatures.CSUM | VirtioNetFeatures.HOST_TSO4 | VirtioNetFeatures.HOST_TSO6;
            VhostUserFrontend a = d.connect("a", o -> o.features(VirtioFeatures.DEFAULT | tx)
                    .txBufferSize(65536 + 12).memorySize(64L << 20));
            VhostUserFrontend b = d.connect("b");
            int l4 = OffloadFrames.l4(false);
            byte[] tso = OffloadFrames.frame(Frames.mac(0xb), Frames.mac(0xa), false, true, 1, 5, 0x18,
                    OffloadFrames.payload(60_000, 1), false);
            byte[] partial = OffloadFrames.frame(Frames.mac(0xb), Frames.mac(0xa), false, false, 2, 0, 0,
                    OffloadFrames.payload(500, 2), false);
            assertEquals(1, a.send(0, MemorySegment.ofArray(tso), 0, tso.length,
                    new OffloadHeader().set(1, OffloadHeader.GSO_TCPV4, l4 + 20, 1448, l4, 16)));
            assertEquals(1, a.send(0, MemorySegment.ofArray(partial), 0, partial.length,
                    new OffloadHeader().set(1, 0, 0, 0, l4, 6)));
            QueueCounters ta = d.counters("a").tx(0);
            DaemonFixture.awaitUntil(() -> ta.packets() == 2, "both frames counted, the TSO frame once");
            assertEquals(tso.length + partial.length, ta.bytes(), "guest_tx bytes: the TSO frame whole");
            PortCounters ca = d.counters("a");
            assertEquals(List.of(0L, 0L, 0L, 0L), List.of(ta.gsoSegmentedFrames(), ta.csumFixups(),
                    ca.rx(0).packets() + d.counters("b").rx(0).packets(), ca.snapshot().totalDrops()),
                    "gso_segmented, csum_fixups, delivered, drops");
            assertNull(b.receive(0), "b received nothing");
        }
    }
}
