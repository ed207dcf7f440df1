package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VIRTIO_F_RING_PACKED end to end through the switch, on the sync (CPU copy) path and the async (DMA) path:
 * frames cross intact and in order over many laps of the rings (wrap counters flip), and GET_VRING_BASE returns
 * both positions with their wrap counters.
 */
class PackedRingTest {
    private static final int FRAMES = 1500;
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        long packed = VirtioFeatures.DEFAULT | VirtioNetFeatures.RING_PACKED;
        UnaryOperator<FrontendOptions.Builder> mergeable = b -> b.features(packed).ringSize(128)
                .rxBufferSize(1024).txBufferSize(9216);
        UnaryOperator<FrontendOptions.Builder> indirect = b -> mergeable.apply(b).indirectTx(true);
        UnaryOperator<FrontendOptions.Builder> single = b -> b.features(packed & ~VirtioNetFeatures.MRG_RXBUF
                & ~VirtioNetFeatures.EVENT_IDX).ringSize(64).rxBufferSize(9216).txBufferSize(9216);
        return Stream.of(
                Arguments.of("none", "mergeable multi-buffer RX", mergeable),
                Arguments.of("none", "indirect TX", indirect),
                Arguments.of("none", "MRG_RXBUF and EVENT_IDX off", single),
                Arguments.of("cpu", "mergeable multi-buffer RX", mergeable),
                Arguments.of("sw", "indirect TX", indirect),
                Arguments.of("sw", "MRG_RXBUF and EVENT_IDX off", single));
    }

    @ParameterizedTest(name = "engine={0}, {1}")
    @MethodSource("variants")
    void shouldDeliverEveryByteInOrderWhenRingsArePacked(String engine, String variant,
            UnaryOperator<FrontendOptions.Builder> options) {
        DaemonFixture.Builder builder = DaemonFixture.builder(dir).port("a", 1).port("b", 1);
        if (!engine.equals("none")) {
            builder = AsyncDataPathTest.bindAll(builder, engine, 0).group("tenant", AsyncDataPathTest.TOKEN, "a", "b");
        }
        try (DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a", options);
            VhostUserFrontend b = d.connect("b", options);
            assertTrue(a.negotiation().has(VirtioNetFeatures.RING_PACKED) && a.ring(0).packed(), "packed negotiated");
            Flow ab = new Flow(a, b, 0, B, A, Frames.sizes(FRAMES, 11, 10, 9000), 100);
            Flow ba = new Flow(b, a, 0, A, B, Frames.sizes(FRAMES, 21, 10, 9000), 200);
            Flow.run(new ArrayList<>(List.of(ab, ba)), 60_000);
            PortCounters ca = d.counters("a");
            PortCounters cb = d.counters("b");
            DaemonFixture.awaitUntil(() -> cb.rx(0).packets() == FRAMES && ca.rx(0).packets() == FRAMES,
                    "rx counters");
            assertEquals(ab.bytes(), cb.rx(0).bytes(), "bytes delivered to b");
            assertEquals(ba.bytes(), ca.rx(0).bytes(), "bytes delivered to a");
            assertEquals(0, ca.snapshot().totalDrops() + cb.snapshot().totalDrops(), "drops");
            if (!engine.equals("none")) {
                assertTrue(cb.rx(0).dmaSubmitted() >= FRAMES, "copies went through the DMA channel");
            }
            int size = a.ring(1).size();
            int txBase = a.client().getVringBase(1);
            int txLaps = FRAMES / size; // one slot per TX frame: FRAMES slots taken and returned
            boolean wrap = (txLaps & 1) == 0;
            int expected = FRAMES % size | (wrap ? 0x8000 : 0);
            assertEquals(expected | expected << 16, txBase,
                    "GET_VRING_BASE: avail and used position with wrap counters, everything returned");
        }
    }

    /**
     * Packed rings on two queue pairs owned by two workers, every queue DMA-bound: a frame from b's q1 crosses
     * to worker 0 by reference; then b's rxq0 is rebound live (another channel, then the CPU) and b reconnects
     * (its rings drained and restarted from the returned bases): traffic stays intact throughout.
     */
    @Test
    void shouldStayIntactAcrossWorkersRebindsAndReconnectWhenRingsArePacked() throws Exception {
        long packed = VirtioFeatures.DEFAULT | VirtioNetFeatures.RING_PACKED;
        UnaryOperator<FrontendOptions.Builder> a1 = o -> o.features(packed).rxBufferSize(1024).txBufferSize(9216);
        UnaryOperator<FrontendOptions.Builder> b2 = o -> a1.apply(o).queuePairs(2);
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2).workers(2)
                .dma("dma0", "sw", 7, 1024, 0.0, 0)
                .bind("a", "rxq0", "dma0", 0).bind("a", "txq0", "dma0", 1)
                .bind("b", "rxq0", "dma0", 2).bind("b", "txq0", "dma0", 3)
                .bind("b", "rxq1", "dma0", 4).bind("b", "txq1", "dma0", 5)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a", a1);
            VhostUserFrontend b = d.connect("b", b2);
            Flow.run(List.of(new Flow(a, 0, b, 0, B, A, Frames.sizes(500, 1, 10, 9000), 1, 16),
                    new Flow(b, 1, a, 0, A, B, Frames.sizes(500, 2, 10, 9000), 2, 16)), 60_000);
            DaemonFixture.awaitUntil(() -> b.reclaimTx(1) >= 0 && b.txInFlight(1) == 0,
                    "b's q1 TX chains returned after worker 0's copies");
            var m = d.vhostd().management();
            assertEquals("dma0/6", m.bind("b", "rxq0", "dma0/6").toCompletableFuture().get().channel());
            Flow.run(List.of(new Flow(a, 0, b, 0, B, A, Frames.sizes(300, 3, 10, 9000), 3, 16)), 60_000);
            assertNull(m.unbind("b", "rxq0").toCompletableFuture().get().channel(), "CPU copies");
            Flow.run(List.of(new Flow(a, 0, b, 0, B, A, Frames.sizes(300, 4, 10, 9000), 4, 16)), 60_000);
            d.disconnect("b", b);
            VhostUserFrontend again = d.connect("b", b2);
            Flow.run(List.of(new Flow(a, 0, again, 0, B, A, Frames.sizes(300, 5, 10, 9000), 5, 16),
                    new Flow(again, 1, a, 0, A, B, Frames.sizes(300, 6, 10, 9000), 6, 16)), 60_000);
            assertEquals(0, d.counters("a").snapshot().totalDrops() + d.counters("b").snapshot().totalDrops(),
                    "no drop: the rebinds happened between flows");
        }
    }
}
