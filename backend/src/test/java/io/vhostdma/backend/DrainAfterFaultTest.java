package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.dataplane.PacketTap;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception in the middle of a TX burst (here: a tap whose memory was freed while installed, as a bug would)
 * stops only that ring, and the chains it had already taken are returned (used len 0), so GET_VRING_BASE
 * answers at once with a base that counts exactly what was returned, and the port serves a new front end.
 */
class DrainAfterFaultTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldReturnTakenChainsAndAnswerGetVringBaseWhenTheDataPathThrowsMidBurst() {
        try (LogCapture log = new LogCapture("io.vhostdma.dataplane");
                DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            PacketTap tap = new PacketTap(1, 64);
            d.port("a").installTap(tap);
            d.settle(); // the worker's next burst sees the tap
            tap.close(); // the bug: its memory is freed while a worker still copies into it
            for (int i = 0; i < 8; i++) {
                assertEquals(1, a.send(0, Frames.frame(B, A, i, 200, 1)));
            }
            QueueCounters tx = d.counters("a").tx(0);
            DaemonFixture.awaitUntil(() -> tx.ringErrors() == 1, "the ring that threw is stopped, counted");
            // the counter is bumped just before the line is logged
            DaemonFixture.awaitUntil(() -> log.warnings().stream().anyMatch(w -> w.contains("data-plane fault contained")
                    && w.contains("port=a")), "ERROR logged");
            int base = a.client().getVringBase(1); // would wait forever for a chain that is never returned
            assertEquals(base, a.ring(1).usedIdx(), "every chain vhostd took is back in the used ring");
            assertTrue(base >= 1 && base <= 8, "base=" + base);
            d.port("a").removeTap(tap);
            d.disconnect("a", a);

            VhostUserFrontend fresh = d.connect("a");
            Flow.run(List.of(new Flow(fresh, b, 0, B, A, Frames.sizes(16, 2, 0, 0), 2)), 10_000);
            assertEquals(1, tx.ringErrors(), "the new session's ring is healthy");
        }
    }
}
