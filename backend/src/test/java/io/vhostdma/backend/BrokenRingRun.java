package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What every ring-attack test expects, whatever the layout: port {@code a}'s guest corrupts its TX ring; that
 * ring stops once (counted, logged with {@code port=a ring=1}), nothing leaves it, ports {@code b} and
 * {@code c} keep switching, and {@code a} works again after its guest reconnects.
 */
final class BrokenRingRun {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);

    private BrokenRingRun() {
    }

    /** Three one-queue ports {@code a}, {@code b}, {@code c}; with {@code dma}, every queue bound to a sw channel. */
    static DaemonFixture.Builder threePorts(Path dir, boolean dma) {
        DaemonFixture.Builder b = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1);
        if (dma) {
            b.dma("dma0", "sw", 6, 256, 0.0, 0).group("g", AsyncDataPathTest.TOKEN, "a", "b", "c");
            int ch = 0;
            for (String port : List.of("a", "b", "c")) {
                b.bind(port, "rxq0", "dma0", ch++).bind(port, "txq0", "dma0", ch++);
            }
        }
        return b;
    }

    /**
     * Starts {@code builder}, connects the three guests with {@code options}, lets {@code corrupt} break
     * {@code a}'s TX ring (ring 1), kicks it and checks the outcome described above.
     */
    static void run(String name, DaemonFixture.Builder builder, UnaryOperator<FrontendOptions.Builder> options,
            Consumer<VhostUserFrontend> corrupt) {
        try (LogCapture log = new LogCapture("io.vhostdma.dataplane");
                DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a", options);
            VhostUserFrontend b = d.connect("b", options);
            VhostUserFrontend c = d.connect("c", options);
            corrupt.accept(a);
            a.ring(1).kick();
            QueueCounters tx = d.counters("a").tx(0);
            DaemonFixture.awaitUntil(() -> tx.ringErrors() == 1, "ring error counted: " + name);
            // the counter is bumped just before the line is logged
            DaemonFixture.awaitUntil(() -> log.warnings().stream().anyMatch(w -> w.contains("ring stopped on guest error")
                    && w.contains("port=a") && w.contains("ring=1")), "WARNING logged: " + name);
            assertEquals(0, tx.packets(), "nothing forwarded from the broken ring");

            Flow.run(List.of(new Flow(b, c, 0, C, B, Frames.sizes(200, 1, 0, 0), 1),
                    new Flow(c, b, 0, B, C, Frames.sizes(200, 2, 0, 0), 2)), 30_000);
            assertEquals(1, tx.ringErrors(), "stopped exactly once: " + name);

            d.disconnect("a", a);
            VhostUserFrontend a2 = d.connect("a", options);
            Flow.run(List.of(new Flow(a2, b, 0, B, A, Frames.sizes(100, 3, 0, 0), 3),
                    new Flow(b, a2, 0, A, B, Frames.sizes(100, 4, 0, 0), 4)), 30_000);
            assertEquals(1, tx.ringErrors(), "the new session's ring is healthy");
        }
    }
}
