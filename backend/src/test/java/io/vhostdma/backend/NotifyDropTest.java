package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.Tampering;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notification the kernel refuses is dropped and counted ({@code notify_dropped}), and the ring keeps running.
 * Fault injection: the fd number vhostd holds for b's call eventfd is made to refer to a memfd, which the kernel
 * refuses to signal (a front end cannot do this; the receipt check refuses a non-eventfd it hands over).
 */
class NotifyDropTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldCountARefusedNotificationAndKeepTheRingRunning() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            Flow.run(List.of(new Flow(b, a, 0, A, B, Frames.sizes(4, 1, 0, 0), 1)), 10_000); // learn B
            int memfd = Memfd.create("not-an-eventfd", 0);
            Fds.dup2(memfd, d.port("b").device().ring(0).callFd());
            Fds.close(memfd);
            Tampering.armInterrupts(b); // every publish into b's RX ring signals its call fd
            QueueCounters rx = d.counters("b").rx(0);
            long before = rx.packets();
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(32, 2, 0, 0), 2)), 10_000); // b polls
            assertTrue(rx.notifyDropped() >= 1, "refused notifications counted: " + rx.notifyDropped());
            assertEquals(before + 32, rx.packets(), "the ring kept delivering");
            assertEquals(0, rx.ringErrors());
            DaemonFixture.awaitUntil(() -> d.output().contains("notify_dropped="), "stats line key");
        }
    }
}
