package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forwarding: sink}: transmitted frames are counted and go nowhere. */
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
}
