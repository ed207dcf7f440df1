package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.net.RarpFrame;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.protocol.Request;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEND_RARP after a migration: the guest with MAC M lived behind port a and now lives behind port c. c's front end
 * sends SEND_RARP(M): the peers receive a RARP frame from M, and the switch moves M to c at once, so b's next frame
 * to M reaches c, not a.
 */
class SendRarpTest {
    private static final long M = Frames.mac(0x3a);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldBroadcastRarpAndMoveTheMacWhenSendRarpArrives() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1).start();
                Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c", o -> o.protocolFeatures(FrontendOptions.DEFAULT_PROTOCOL_FEATURES
                    | ProtocolFeatures.bit(ProtocolFeatures.RARP)));
            assertEquals(1, a.send(0, Frames.frame(B, M, 0, 100, 1)), "M speaks on a");
            DaemonFixture.awaitUntil(() -> b.receive(0) != null, "b hears M");
            DaemonFixture.awaitUntil(() -> c.receive(0) != null, "c hears M too (B was not learned yet: flooded)");
            int portA = d.vhostd().dataPlane().port("a").id();
            assertEquals(portA, d.vhostd().dataPlane().macs().lookup(M), "M learned on a");

            c.client().sendU64(Request.SEND_RARP, rarpPayload(M), true);

            byte[] rarp = awaitFrame(b, "b receives the RARP");
            MemorySegment expected = arena.allocate(RarpFrame.LENGTH);
            RarpFrame.write(expected, 0, M);
            assertArrayEquals(expected.toArray(ValueLayout.JAVA_BYTE), rarp, "the RARP frame from M");
            assertEquals(0x80, rarp[12] & 0xff);
            assertEquals(0x35, rarp[13] & 0xff);
            int portC = d.vhostd().dataPlane().port("c").id();
            assertEquals(portC, d.vhostd().dataPlane().macs().lookup(M), "M moved to c");
            drain(a);

            byte[] toM = Frames.frame(M, B, 1, 200, 2);
            assertEquals(1, b.send(0, toM));
            assertArrayEquals(toM, awaitFrame(c, "c receives b's frame to M"));
            assertEquals(null, a.receive(0), "a no longer gets M's frames");
        }
    }

    /** SEND_RARP's u64: the MAC's six octets in wire order in its first six bytes (little-endian u64). */
    static long rarpPayload(long mac) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v |= ((mac >>> (40 - 8 * i)) & 0xff) << (8 * i);
        }
        return v;
    }

    private static byte[] awaitFrame(VhostUserFrontend fe, String what) {
        byte[][] got = new byte[1][];
        DaemonFixture.awaitUntil(() -> (got[0] = fe.receive(0)) != null, what);
        assertTrue(got[0].length > 0);
        return got[0];
    }

    private static void drain(VhostUserFrontend fe) {
        DaemonFixture.awaitUntil(() -> fe.receive(0) != null, "a receives the flooded RARP");
    }
}
