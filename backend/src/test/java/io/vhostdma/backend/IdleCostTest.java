package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idle worker sleeps in epoll, and a guest kick wakes it. */
class IdleCostTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldSleepWhenIdleAndWakeOnKick() throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            byte[] first = Frames.frame(B, A, 0, 100, 1);
            Receive.send(a, first);
            Receive.expect(b, first, "first frame");
            var worker = d.vhostd().dataPlane().workers()[0];
            long tid = d.vhostd().dataPlane().threads()[0].threadId();
            long sleeps0 = worker.stats().sleeps();
            DaemonFixture.awaitUntil(() -> worker.stats().sleeps() > sleeps0, "worker went to sleep");
            long cpu0 = mx.getThreadCpuTime(tid);
            long t0 = System.nanoTime();
            Thread.sleep(3000); // the measured idle interval
            long cpu = mx.getThreadCpuTime(tid) - cpu0;
            long wall = System.nanoTime() - t0;
            assertTrue(cpu < wall / 50, "idle worker CPU " + cpu / 1000 + " us over " + wall / 1000 + " us");

            byte[] late = Frames.frame(B, A, 1, 200, 2);
            long kicked = System.nanoTime();
            Receive.send(a, late);
            Receive.expect(b, late, "frame after idling");
            System.out.printf("idle worker cpu=%d us over %d us; wake-up delivery took %d us%n", cpu / 1000,
                    wall / 1000, (System.nanoTime() - kicked) / 1000);
        }
    }
}
