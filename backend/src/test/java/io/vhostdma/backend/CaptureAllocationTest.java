package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.CaptureSession;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port being captured costs the worker no allocation: with a capture of port a (both directions) read by a
 * consumer that falls behind now and then (so the worker both writes records and counts drops), steady traffic
 * between a and b allocates nothing on the worker thread, and forwarding loses nothing.
 */
class CaptureAllocationTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int MEASURED_ROUNDS = 3;
    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingOnWorkerWhenAPortIsCaptured() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start();
                Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            CaptureSession capture = d.vhostd().management().capture("a", "");
            AtomicLong read = new AtomicLong();
            Thread consumer = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    read.addAndGet(capture.poll((t, q, len, bytes) -> { }, 256));
                    try {
                        Thread.sleep(3); // slower than the traffic: the rings fill, the worker counts drops
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                Pump pump = new Pump(a, A, b, B, arena);
                long tid = d.vhostd().dataPlane().threads()[0].threadId();
                assertTrue(pump.run(200_000, 60_000_000_000L), "warm-up traffic (2 x 200k frames)");
                StringBuilder measured = new StringBuilder();
                long allocated = -1;
                for (int round = 0; round < MEASURED_ROUNDS && allocated != 0; round++) {
                    long before = mx.getThreadAllocatedBytes(tid);
                    assertTrue(pump.run(60_000, 60_000_000_000L), "measured traffic (2 x 60k frames)");
                    allocated = mx.getThreadAllocatedBytes(tid) - before;
                    measured.append(allocated).append(' ');
                }
                System.out.printf("captured port: worker allocation: measured rounds [%s] bytes; capture read=%d"
                        + " dropped=%d%n", measured.toString().trim(), read.get(), capture.dropped());
                assertEquals(0L, allocated, "bytes allocated by the worker in a measured round: " + measured);
                assertTrue(read.get() > 0, "the capture got frames");
                assertTrue(capture.dropped() > 0, "the slow consumer made the worker count drops");
                assertEquals(0, d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops(),
                        "forwarding lost nothing to the capture");
            } finally {
                consumer.interrupt();
                consumer.join();
                capture.close().get(DaemonFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }
}
