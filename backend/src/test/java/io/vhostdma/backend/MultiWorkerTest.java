package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.dataplane.Worker;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workers: 2}: queue pair q belongs to worker q % 2; frames between workers cross the hand-off queue intact. */
class MultiWorkerTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int FRAMES = 1000;
    @TempDir
    Path dir;

    @Test
    void shouldDeliverIntactOnBothQueuePairsWhenTwoWorkersOwnThem() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 2).port("b", 2).workers(2).start()) {
            VhostUserFrontend a = d.connect("a", o -> o.queuePairs(2).rxBufferSize(1024).txBufferSize(9216));
            VhostUserFrontend b = d.connect("b", o -> o.queuePairs(2).rxBufferSize(1024).txBufferSize(9216));
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(FRAMES, 1, 10, 9000), 1),
                    new Flow(b, a, 0, A, B, Frames.sizes(FRAMES, 2, 10, 9000), 2),
                    new Flow(a, b, 1, B, A, Frames.sizes(FRAMES, 3, 10, 9000), 3),
                    new Flow(b, a, 1, A, B, Frames.sizes(FRAMES, 4, 10, 9000), 4)), 60_000);
            Worker[] w = d.vhostd().dataPlane().workers();
            assertEquals(2, w.length);
            // every frame stays on its worker: each moved exactly the frames of its queue pair
            DaemonFixture.awaitUntil(() -> w[0].stats().packets() == 2L * FRAMES && w[1].stats().packets() == 2L * FRAMES,
                    "worker packet counts");
            assertEquals(0, d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops());
        }
    }

    @Test
    void shouldDeliverIntactThroughHandoffWhenPortsHaveDifferentQueuePairCounts() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2).workers(2).start()) {
            VhostUserFrontend a = d.connect("a", o -> o.rxBufferSize(1024).txBufferSize(9216));
            VhostUserFrontend b = d.connect("b", o -> o.queuePairs(2).rxBufferSize(1024).txBufferSize(9216));
            // a's only queue pair is worker 0's; b's pair 1 is worker 1's, so b q1 -> a q0 crosses workers
            Flow.run(List.of(new Flow(a, 0, b, 0, B, A, Frames.sizes(FRAMES, 1, 10, 9000), 1, 16),
                    new Flow(b, 1, a, 0, A, B, Frames.sizes(FRAMES, 2, 10, 9000), 2, 16)), 60_000);
            Worker[] w = d.vhostd().dataPlane().workers();
            assertTrue(w[1].stats().packets() >= FRAMES, "worker 1 dequeued b's pair 1");
            assertEquals(FRAMES, d.counters("a").rx(0).packets(), "a received every handed-off frame");
            assertEquals(0, d.counters("a").rx(0).drops(DropReason.HANDOFF_FULL));
            assertEquals(0, d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops());
        }
    }

    @Test
    void shouldDeliverIntactAcrossWorkersWhenEveryQueueIsBoundToDma() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2).workers(2)
                .dma("dma0", "sw", 6, 1024, 0.0, 0)
                .bind("a", "rxq0", "dma0", 0).bind("a", "txq0", "dma0", 1)
                .bind("b", "rxq0", "dma0", 2).bind("b", "txq0", "dma0", 3)
                .bind("b", "rxq1", "dma0", 4).bind("b", "txq1", "dma0", 5)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a", o -> o.rxBufferSize(1024).txBufferSize(9216));
            VhostUserFrontend b = d.connect("b", o -> o.queuePairs(2).rxBufferSize(1024).txBufferSize(9216));
            // b q1 (worker 1) -> a q0 (worker 0): worker 1 hands a reference to b's TX chain to worker 0,
            // which copies it guest to guest in one DMA copy on a's rxq channel and gives the reference back
            Flow ba = new Flow(b, 1, a, 0, A, B, Frames.sizes(FRAMES, 2, 10, 9000), 2, 16);
            Flow.run(List.of(new Flow(a, 0, b, 0, B, A, Frames.sizes(FRAMES, 1, 10, 9000), 1, 16), ba), 60_000);
            int ha = d.vhostd().dma().domain("a").handle();
            int hb = d.vhostd().dma().domain("b").handle();
            var rxA = d.vhostd().dma().devices().get("dma0").channel(0).stats();
            assertEquals(ba.bytes(), rxA.bytes(hb, ha), "b→a bytes: one guest-to-guest copy across workers");
            assertEquals(0, rxA.bytes(0, ha), "no host buffer on the way");
            DaemonFixture.awaitUntil(() -> {
                b.reclaimTx(1);
                return b.txInFlight(1) == 0;
            }, "b's q1 TX chains all returned by worker 1 after worker 0's copies");
            assertEquals(FRAMES, d.counters("a").rx(0).packets(), "a received every handed-off frame");
            assertEquals(0, d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops());
            assertTrue(d.counters("a").rx(0).dmaSubmitted() >= FRAMES, "a's rxq used its channel");
            assertEquals(d.counters("a").rx(0).dmaSubmitted(), d.counters("a").rx(0).dmaCompleted());
        }
    }
}
