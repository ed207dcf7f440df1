package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The L2 learning switch with three guests. Absence is proven by order, not by waiting: a port that
 * must not get frame X is sent a later broadcast marker, and the marker must be the next thing it sees.
 */
class LearningSwitchTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    @TempDir
    Path dir;

    @Test
    void shouldFloodBroadcastLearnUnicastFloodUnknownAndDropFramesToTheSender() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");

            byte[] broadcast = Frames.frame(Frames.BROADCAST, A, 1, 100, 1);
            Receive.send(a, broadcast);
            Receive.expect(b, broadcast, "broadcast from a at b");
            Receive.expect(c, broadcast, "broadcast from a at c");

            byte[] fromB = Frames.frame(Frames.BROADCAST, B, 2, 90, 2);
            Receive.send(b, fromB); // the switch learns B on port b
            Receive.expect(a, fromB, "broadcast from b at a");
            Receive.expect(c, fromB, "broadcast from b at c");

            byte[] unicast = Frames.frame(B, A, 3, 200, 3);
            Receive.send(a, unicast);
            Receive.expect(b, unicast, "unicast a->b at b");
            byte[] marker = Frames.frame(Frames.BROADCAST, A, 4, 64, 4);
            Receive.send(a, marker);
            Receive.expect(c, marker, "c must see the marker, not the unicast to b");
            Receive.expect(b, marker, "marker at b");

            byte[] unknown = Frames.frame(Frames.mac(0x99), A, 5, 300, 5);
            Receive.send(a, unknown);
            Receive.expect(b, unknown, "unknown unicast flooded to b");
            Receive.expect(c, unknown, "unknown unicast flooded to c");

            byte[] toSelf = Frames.frame(A, A, 6, 120, 6);
            Receive.send(a, toSelf);
            byte[] marker2 = Frames.frame(Frames.BROADCAST, A, 7, 64, 7);
            Receive.send(a, marker2);
            Receive.expect(b, marker2, "b must not see the frame to a's own MAC");
            Receive.expect(c, marker2, "c must not see the frame to a's own MAC");
            assertNull(a.receive(0), "a never receives its own frames");

            assertEquals(1, d.counters("a").tx(0).drops(DropReason.NO_DESTINATION), "frame to own MAC counted");
            assertEquals(1, d.counters("a").snapshot().totalDrops(), "no other drop on a");
            assertEquals(6, d.counters("a").tx(0).packets(), "frames a transmitted");
            assertEquals(5, d.counters("b").rx(0).packets(), "frames delivered to b");
            assertEquals(5, d.counters("c").rx(0).packets(), "frames delivered to c");
            assertEquals(1, d.counters("a").rx(0).packets(), "frames delivered to a");
        }
    }
}
