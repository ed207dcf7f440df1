package io.vhostdma.backend.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane's stages, one duty cycle at a time (the stepped threading mode): delivery into a peer's RX ring,
 * a ring completing its DMA records and releasing what they held, the hand-off of a reference to another worker
 * and its return, and the drain a detach waits for — each observed between two cycles.
 */
class DataPlaneStepTest {
    private static final long A = 0x02_00_00_00_00_0aL;
    private static final long B = 0x02_00_00_00_00_0bL;
    /** Two workers: a's queue pair 1 belongs to worker 1, b's only RX ring (queue pair 0) to worker 0. */
    private static final String TWO_WORKERS = "workers: 2\n";
    @TempDir
    Path dir;

    /** An Ethernet frame to {@code dst} from {@code src}, {@code len} bytes, the payload filled with {@code fill}. */
    static byte[] frame(long dst, long src, int len, int fill) {
        byte[] f = new byte[len];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dst >>> (40 - 8 * i));
            f[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        f[12] = 0x08;
        for (int i = 14; i < len; i++) {
            f[i] = (byte) (fill + i);
        }
        return f;
    }

    @Test
    void shouldDeliverIntoThePeersRxRingAndReturnTheTxChainInOneDutyCycleWhenTheCpuCopies() {
        try (SteppedPlane p = new SteppedPlane(dir, "workers: 1\n", "a:1", "b:1")) {
            VhostUserFrontend a = p.connect("a");
            VhostUserFrontend b = p.connect("b");
            byte[] f = frame(B, A, 200, 7);
            assertEquals(1, a.send(0, f));
            assertNull(b.receive(0), "nothing moves between duty cycles");
            assertEquals(1, p.step(), "one frame taken");
            assertArrayEquals(f, b.receive(0), "flooded (B is not learned yet) into b's RX ring, bytes intact");
            assertEquals(1, a.ring(1).usedIdx(), "the TX chain was returned and published in the same cycle");
            assertEquals(1, p.plane.port("a").counters().tx(0).packets());
            assertEquals(1, p.plane.port("b").counters().rx(0).packets());
            assertEquals(0, p.step(), "an idle cycle does nothing");
        }
    }

    @Test
    void shouldHoldTheTxChainUntilItsDmaRecordCompletedWhenBothPortsShareAGroup() {
        String yaml = "workers: 1\ndma:\n  - name: dma0\n    engine: sw\n    channels: 2\n    ring-size: 256\n"
                + "    completion-delay-us: 30000\nbindings:\n  - { port: b, queue: rxq0, channel: dma0/0 }\n"
                + "access-groups:\n  - name: g\n    token: \"token-123456\"\n    members: [a, b]\n";
        try (SteppedPlane p = new SteppedPlane(dir, yaml, "a:1", "b:1")) {
            VhostUserFrontend a = p.connect("a");
            VhostUserFrontend b = p.connect("b");
            byte[] f = frame(B, A, 1000, 3);
            assertEquals(1, a.send(0, f));
            p.step();
            QueueCounters rx = p.plane.port("b").counters().rx(0);
            assertEquals(1, rx.dmaSubmitted(), "one guest-to-guest copy on b's RX channel");
            assertEquals(0, a.ring(1).usedIdx(), "the copy reads the TX chain: it is held");
            assertNull(b.receive(0), "b's chain is used only when the copy completed");
            p.stepUntil(() -> rx.dmaCompleted() == 1, "the copy completed");
            assertArrayEquals(f, b.receive(0), "copied straight from a's TX buffer");
            assertEquals(1, a.ring(1).usedIdx(), "the record's completion released the chain");
            assertEquals(1, rx.packets());
        }
    }

    @Test
    void shouldHandAReferenceToTheOwnerAndReturnTheChainWhenTheSlotComesBack() {
        try (SteppedPlane p = new SteppedPlane(dir, TWO_WORKERS, "a:2", "b:1")) {
            VhostUserFrontend a = p.connect("a");
            VhostUserFrontend b = p.connect("b");
            Worker w0 = p.plane.workers()[0];
            Worker w1 = p.plane.workers()[1];
            byte[] f = frame(B, A, 300, 9);
            assertEquals(1, a.send(1, f));
            assertEquals(1, w1.step(), "worker 1 takes a's frame from txq1");
            assertEquals(0, a.ring(3).usedIdx(), "handed over as a reference: the chain is held");
            assertNull(b.receive(0));
            assertEquals(1, w0.step(), "worker 0 copies it from a's TX buffer into b's rxq0");
            assertArrayEquals(f, b.receive(0));
            assertEquals(0, a.ring(3).usedIdx(), "returned to worker 1, which has not run yet");
            assertEquals(1, w1.step(), "worker 1 takes the slot back");
            assertEquals(1, a.ring(3).usedIdx(), "and returns the chain");
            assertEquals(0, p.plane.port("b").counters().rx(0).drops());
        }
    }

    @Test
    void shouldCompleteADetachOnlyOnceTheReferenceItHandedOutCameBackWhenDraining() {
        try (SteppedPlane p = new SteppedPlane(dir, TWO_WORKERS, "a:2", "b:1")) {
            VhostUserFrontend a = p.connect("a");
            VhostUserFrontend b = p.connect("b");
            Worker w0 = p.plane.workers()[0];
            Worker w1 = p.plane.workers()[1];
            assertEquals(1, a.send(1, frame(B, A, 120, 1)));
            w1.step(); // the reference is out
            CompletableFuture<Integer> base = p.plane.detach(p.plane.port("a").device(), 3);
            w1.step();
            assertFalse(base.isDone(), "the detach waits: a copy may still read the chain");
            w0.step(); // delivered, the slot goes back
            assertFalse(base.isDone());
            w1.step();
            assertTrue(base.isDone(), "drained: the chain is back");
            assertEquals(1, base.join(), "the base counts the returned chain");
            assertEquals(1, a.ring(3).usedIdx());
            assertEquals(120, b.receive(0).length);
        }
    }

    @Test
    void shouldAllocateNothingWhenFramesCrossTheHandOffBetweenTwoWorkers() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SteppedPlane p = new SteppedPlane(dir, TWO_WORKERS, "a:2", "b:1");
                Arena arena = Arena.ofConfined()) {
            VhostUserFrontend a = p.connect("a");
            VhostUserFrontend b = p.connect("b");
            MemorySegment f = arena.allocate(256);
            MemorySegment.copy(frame(B, A, 256, 5), 0, f, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, 256);
            MemorySegment into = arena.allocate(2048);
            // warm-up until two rounds in a row allocated nothing (the JIT compiles the cold paths meanwhile)
            StringBuilder history = new StringBuilder();
            int quiet = 0;
            int rounds = 0;
            while (quiet < 2 && rounds < 20) {
                long allocated = 0;
                for (int i = 0; i < 20_000; i++) {
                    a.reclaimTx(1);
                    assertEquals(1, a.send(1, f, 0, 256));
                    long before = mx.getCurrentThreadAllocatedBytes();
                    p.step(); // worker 1 hands over, worker 0 delivers and gives back
                    p.step(); // worker 1 takes the slot back, returns the chain
                    allocated += mx.getCurrentThreadAllocatedBytes() - before;
                    assertEquals(256, b.receive(0, into, 0, 2048));
                }
                history.append(' ').append(allocated);
                quiet = allocated == 0 ? quiet + 1 : 0;
                rounds++;
            }
            assertEquals(2, quiet, "two rounds of 20 000 hand-offs in a row allocate nothing; bytes per round:" + history);
            assertEquals(20_000L * rounds, p.plane.port("b").counters().rx(0).packets());
        }
    }
}
