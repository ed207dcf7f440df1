package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.dma.DmaStats;
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
 * Every queue bound to a DMA channel: frames cross intact and in order, guest to guest in one copy
 * inside an access group, through host buffers in the default segment, with both engines.
 */
class AsyncDataPathTest {
    private static final int FRAMES = 1000;
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    static final String TOKEN = "7b0c3f0e-4b8e-4c55-9a59-0b8f1f3b2a11";
    @TempDir
    Path dir;

    /** One device {@code dma0} with the given engine; a's and b's queues on channels 0..3. */
    static DaemonFixture.Builder bindAll(DaemonFixture.Builder b, String engine, long delayUs) {
        return b.dma("dma0", engine, 4, 1024, 0.0, delayUs)
                .bind("a", "rxq0", "dma0", 0).bind("a", "txq0", "dma0", 1)
                .bind("b", "rxq0", "dma0", 2).bind("b", "txq0", "dma0", 3);
    }

    static Stream<Arguments> variants() {
        UnaryOperator<FrontendOptions.Builder> mergeable = b -> b.rxBufferSize(1024).txBufferSize(9216);
        UnaryOperator<FrontendOptions.Builder> single = b -> b.rxBufferSize(9216).txBufferSize(9216)
                .features(VirtioFeatures.DEFAULT & ~VirtioNetFeatures.MRG_RXBUF);
        UnaryOperator<FrontendOptions.Builder> regions = b -> mergeable.apply(b).regions(2).memorySize(4L << 20);
        return Stream.of(
                Arguments.of("cpu", true, "mergeable multi-buffer RX", mergeable),
                Arguments.of("sw", true, "mergeable multi-buffer RX", mergeable),
                Arguments.of("sw", true, "MRG_RXBUF off, large buffers", single),
                Arguments.of("sw", true, "two memory regions", regions),
                Arguments.of("cpu", false, "mergeable multi-buffer RX", mergeable),
                Arguments.of("sw", false, "mergeable multi-buffer RX", mergeable));
    }

    @ParameterizedTest(name = "{0} engine, group={1}, {2}")
    @MethodSource("variants")
    void shouldDeliverEveryByteInOrderWhenAllQueuesAreBound(String engine, boolean grouped, String variant,
            UnaryOperator<FrontendOptions.Builder> options) {
        DaemonFixture.Builder builder = bindAll(DaemonFixture.builder(dir).port("a", 1).port("b", 1), engine, 0);
        if (grouped) {
            builder.group("tenant", TOKEN, "a", "b");
        }
        try (DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a", options);
            VhostUserFrontend b = d.connect("b", options);
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
            for (PortCounters c : List.of(ca, cb)) {
                assertTrue(c.rx(0).dmaSubmitted() >= FRAMES, c.port() + " rxq0 copies " + c.rx(0).dmaSubmitted());
                assertEquals(c.rx(0).dmaSubmitted(), c.rx(0).dmaCompleted(), c.port() + " rxq0 copies completed");
                assertEquals(0, c.rx(0).dmaErrors() + c.tx(0).dmaErrors(), c.port() + " copy errors");
            }
            int ha = d.vhostd().dma().domain("a").handle();
            int hb = d.vhostd().dma().domain("b").handle();
            var dev = d.vhostd().dma().devices().get("dma0");
            DmaStats rxB = dev.channel(2).stats();
            DmaStats rxA = dev.channel(0).stats();
            if (grouped) {
                // one copy guest → guest, on the destination's RX channel; the host domain is untouched
                assertEquals(ab.bytes(), rxB.bytes(ha, hb), "a→b bytes on b's rxq channel");
                assertEquals(ba.bytes(), rxA.bytes(hb, ha), "b→a bytes on a's rxq channel");
                assertEquals(0, rxB.bytes(0, hb) + rxA.bytes(0, ha), "host→guest bytes");
                assertEquals(0, dev.channel(1).stats().submitted() + dev.channel(3).stats().submitted(),
                        "copies on the txq channels (no staging inside a group)");
                assertEquals(0, ca.tx(0).dmaSubmitted() + cb.tx(0).dmaSubmitted(), "txq copies");
            } else {
                // default segment: guest → host on the txq channel, host → guest on the rxq channel
                assertEquals(ab.bytes(), dev.channel(1).stats().bytes(ha, 0), "a→host bytes on a's txq channel");
                assertEquals(ab.bytes(), rxB.bytes(0, hb), "host→b bytes on b's rxq channel");
                assertEquals(0, rxB.bytes(ha, hb) + rxA.bytes(hb, ha), "guest→guest bytes outside a group");
            }
        }
    }

    @Test
    void shouldCopyIntoHostBuffersWhenSinkingWithBoundTxQueue() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).sink()
                .dma("dma0", "sw", 2, 256, 0.0, 0).bind("a", "txq0", "dma0", 0).start()) {
            VhostUserFrontend a = d.connect("a", o -> o.txBufferSize(9216));
            int[] sizes = Frames.sizes(2000, 5, 7, 9000);
            long bytes = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int i = 0; i < sizes.length; ) {
                int r = a.send(0, Frames.frame(B, A, i, sizes[i], 9));
                assertTrue(r >= 0, "send of frame " + i + " failed: code=" + r);
                assertTrue(System.nanoTime() < deadline, "TX chains not returned: sent " + i);
                if (r == 1) {
                    bytes += sizes[i];
                    i++;
                } else {
                    a.reclaimTx(0);
                }
            }
            PortCounters c = d.counters("a");
            DaemonFixture.awaitUntil(() -> c.tx(0).packets() == sizes.length, "sink counted every frame");
            assertEquals(bytes, c.tx(0).bytes(), "bytes staged");
            assertEquals(0, c.snapshot().totalDrops(), "drops");
            int ha = d.vhostd().dma().domain("a").handle();
            assertEquals(bytes, d.vhostd().dma().devices().get("dma0").channel(0).stats().bytes(ha, 0),
                    "guest→host bytes on the txq channel");
        }
    }
}
