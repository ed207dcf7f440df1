package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NET_SET_MTU is honoured: frames longer than MTU + 14 are not delivered to that guest, and counted. */
class MtuTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldDropFramesAboveMtuWhenGuestSetMtu() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b", o -> o.protocolFeatures(
                    FrontendOptions.DEFAULT_PROTOCOL_FEATURES | ProtocolFeatures.bit(ProtocolFeatures.MTU)));
            b.client().sendU64(Request.NET_SET_MTU, 1000, true);
            PortCounters cb = d.counters("b");
            Receive.send(a, Frames.frame(B, A, 1, 1014, 5)); // exactly MTU + 14: delivered
            Receive.expect(b, Frames.frame(B, A, 1, 1014, 5), "frame of MTU + 14 bytes");
            Receive.send(a, Frames.frame(B, A, 2, 1015, 5)); // one byte more: dropped
            DaemonFixture.awaitUntil(() -> cb.rx(0).drops(DropReason.RX_TOO_BIG) == 1, "rx_too_big counted");
            Receive.send(a, Frames.frame(B, A, 3, 600, 5));
            Receive.expect(b, Frames.frame(B, A, 3, 600, 5), "traffic continues after the drop");
            assertEquals(2, cb.rx(0).packets());
            assertEquals(1, cb.snapshot().totalDrops());
        }
    }

    /** VIRTIO_NET_F_MTU is offered, so a front end with an MTU (QEMU's host_mtu) acks it and sends NET_SET_MTU. */
    @Test
    void shouldNegotiateMtuFeatureWhenFrontEndHasMtu() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b", o -> o.mtu(1200));
            assertTrue(b.negotiation().has(VirtioNetFeatures.MTU), "MTU acked");
            assertTrue((b.negotiation().offeredFeatures() & VirtioNetFeatures.MTU) != 0, "MTU offered");
            PortCounters cb = d.counters("b");
            Receive.send(a, Frames.frame(B, A, 1, 1214, 5));
            Receive.expect(b, Frames.frame(B, A, 1, 1214, 5), "frame of MTU + 14 bytes");
            Receive.send(a, Frames.frame(B, A, 2, 1215, 5));
            DaemonFixture.awaitUntil(() -> cb.rx(0).drops(DropReason.RX_TOO_BIG) == 1, "rx_too_big counted");
            assertFalse(a.negotiation().has(VirtioNetFeatures.MTU), "a front end without an MTU does not ack it");
        }
    }
}
