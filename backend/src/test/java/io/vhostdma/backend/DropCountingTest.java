package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every frame that is not delivered is counted under exactly one reason. */
class DropCountingTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldCountRxNoBuffersWhenReceiverNeverReposts() {
        int sent = 700;
        int ring = 256;
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b", o -> o.ringSize(ring));
            for (int i = 0; i < sent; i++) {
                Receive.send(a, Frames.frame(B, A, i, 100, 9));
            }
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> ca.tx(0).packets() == sent, "a's frames dequeued");
            DaemonFixture.awaitUntil(() -> cb.rx(0).packets() + cb.rx(0).drops() == sent, "b's queue accounted");
            assertEquals(ring, cb.rx(0).packets(), "one frame per posted RX buffer");
            assertEquals(sent - ring, cb.rx(0).drops(DropReason.RX_NO_BUFFERS), "rx_no_buffers");
            assertEquals(sent - ring, cb.snapshot().totalDrops(), "no other reason on b");
            assertEquals(0, ca.snapshot().totalDrops(), "no drop on the sender");
            for (int i = 0; i < ring; i++) {
                Receive.expect(b, Frames.frame(B, A, i, 100, 9), "frame " + i + " delivered before the ring ran dry");
            }
        }
    }

    @Test
    void shouldCountNotReadyWhenDestinationRingIsNotStartedOrDisabled() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            // nobody on b: flooding finds no destination
            for (int i = 0; i < 5; i++) {
                Receive.send(a, Frames.frame(Frames.BROADCAST, A, i, 80, 1));
            }
            DaemonFixture.awaitUntil(() -> ca.tx(0).drops(DropReason.NO_DESTINATION) == 5, "no_destination");

            // b connected, no ring started yet
            try (VhostUserFrontend raw = VhostUserFrontend.connectRaw(
                    FrontendOptions.builder(d.socket("b")).memorySize(4L << 20).build())) {
                raw.client().getU64(Request.GET_FEATURES);
                DaemonFixture.awaitUntil(() -> d.port("b").device() != null, "b connected");
                for (int i = 0; i < 7; i++) {
                    Receive.send(a, Frames.frame(Frames.BROADCAST, A, i, 80, 2));
                }
                DaemonFixture.awaitUntil(() -> cb.rx(0).drops(DropReason.RX_NOT_READY) == 7, "rx_not_ready, ring not started");
            }
            DaemonFixture.awaitUntil(() -> d.port("b").device() == null, "b gone");

            // b running but its RX ring disabled
            VhostUserFrontend b = d.connect("b");
            b.client().sendVringState(Request.SET_VRING_ENABLE, 0, 0, true);
            for (int i = 0; i < 9; i++) {
                Receive.send(a, Frames.frame(B, A, i, 80, 3));
            }
            DaemonFixture.awaitUntil(() -> cb.rx(0).drops(DropReason.RX_NOT_READY) == 16, "rx_not_ready, ring disabled");
            assertEquals(0, cb.rx(0).packets(), "nothing delivered to b");
            assertEquals(16, cb.snapshot().totalDrops(), "only rx_not_ready on b");
            assertEquals(5, ca.snapshot().totalDrops(), "only no_destination on a");
            assertEquals(21, ca.tx(0).packets(), "a's frames all dequeued");

            b.client().sendVringState(Request.SET_VRING_ENABLE, 0, 1, true);
            byte[] after = Frames.frame(B, A, 99, 500, 4);
            Receive.send(a, after);
            Receive.expect(b, after, "delivered once the ring is enabled again");
        }
    }
}
