package io.vhostdma.backend;

import io.vhostdma.vhost.net.VirtioNetFeatures;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two front ends on a 2-port switch exchange random frames both ways: every byte arrives, in order, counted. */
class ForwardingIntegrityTest {
    private static final int FRAMES = 1200;
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    static Stream<Arguments> variants() {
        UnaryOperator<FrontendOptions.Builder> mergeable = b -> b.rxBufferSize(1024).txBufferSize(9216);
        return Stream.of(
                Arguments.of("mergeable multi-buffer RX", 1, mergeable),
                Arguments.of("indirect TX", 1, (UnaryOperator<FrontendOptions.Builder>) b -> mergeable.apply(b)
                        .indirectTx(true)),
                Arguments.of("two memory regions", 1, (UnaryOperator<FrontendOptions.Builder>) b -> mergeable.apply(b)
                        .regions(2).memorySize(4L << 20)),
                Arguments.of("two queue pairs", 2, (UnaryOperator<FrontendOptions.Builder>) b -> mergeable.apply(b)
                        .queuePairs(2)),
                Arguments.of("EVENT_IDX off", 1, (UnaryOperator<FrontendOptions.Builder>) b -> mergeable.apply(b)
                        .features(VirtioFeatures.DEFAULT & ~VirtioNetFeatures.EVENT_IDX)),
                Arguments.of("MRG_RXBUF off, large buffers", 1, (UnaryOperator<FrontendOptions.Builder>) b -> b
                        .rxBufferSize(9216).txBufferSize(9216)
                        .features(VirtioFeatures.DEFAULT & ~VirtioNetFeatures.MRG_RXBUF)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void shouldDeliverEveryFrameIntactAndInOrderWhenTwoGuestsExchangeTraffic(String variant, int pairs,
            UnaryOperator<FrontendOptions.Builder> options) {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", pairs).port("b", pairs).start()) {
            VhostUserFrontend a = d.connect("a", options);
            VhostUserFrontend b = d.connect("b", options);
            List<Flow> flows = new ArrayList<>();
            for (int q = 0; q < pairs; q++) {
                flows.add(new Flow(a, b, q, B, A, Frames.sizes(FRAMES, 11 + q, 10, 9000), 100 + q));
                flows.add(new Flow(b, a, q, A, B, Frames.sizes(FRAMES, 21 + q, 10, 9000), 200 + q));
            }
            Flow.run(flows, 60_000);
            for (int q = 0; q < pairs; q++) {
                Flow ab = flows.get(2 * q);
                Flow ba = flows.get(2 * q + 1);
                assertQueueCounters(d, "a", "b", q, ab);
                assertQueueCounters(d, "b", "a", q, ba);
            }
            assertEquals(0, d.counters("a").snapshot().totalDrops(), variant + ": drops on a");
            assertEquals(0, d.counters("b").snapshot().totalDrops(), variant + ": drops on b");
        }
    }

    private static void assertQueueCounters(DaemonFixture d, String from, String to, int q, Flow f) {
        PortCounters tx = d.counters(from);
        PortCounters rx = d.counters(to);
        DaemonFixture.awaitUntil(() -> rx.rx(q).packets() == f.count(), "rx counter of " + to + " q" + q);
        assertEquals(f.count(), tx.tx(q).packets(), "guest_tx packets of " + from + " q" + q);
        assertEquals(f.bytes(), tx.tx(q).bytes(), "guest_tx bytes of " + from + " q" + q);
        assertEquals(f.count(), rx.rx(q).packets(), "guest_rx packets of " + to + " q" + q);
        assertEquals(f.bytes(), rx.rx(q).bytes(), "guest_rx bytes of " + to + " q" + q);
    }
}
