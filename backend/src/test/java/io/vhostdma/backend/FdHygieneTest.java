package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.Fds;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions leave no fd behind: 100 full connect/traffic/disconnect cycles against one running daemon. */
class FdHygieneTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final UnaryOperator<FrontendOptions.Builder> SMALL = o -> o.memorySize(2L << 20).ringSize(64);
    @TempDir
    Path dir;

    @Test
    void shouldRestoreOpenFdCountWhenHundredSessionsCome() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            cycle(d, 0);
            cycle(d, 1);
            int baseline = Fds.openCount();
            for (int i = 0; i < 100; i++) {
                cycle(d, i + 2);
            }
            DaemonFixture.awaitUntil(() -> Fds.openCount() == baseline, "fd count back to baseline " + baseline);
            assertEquals(baseline, Fds.openCount());
            assertEquals(102, d.vhostd().sessionCounters().get(0).connections(), "every session was served");
            assertEquals(0, d.vhostd().sessionCounters().get(0).errorsTotal());
        }
    }

    private static void cycle(DaemonFixture d, int i) {
        VhostUserFrontend a = d.connect("a", SMALL);
        VhostUserFrontend b = d.connect("b", SMALL);
        Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(10, i, 0, 0), i),
                new Flow(b, a, 0, A, B, Frames.sizes(10, i + 1000, 0, 0), i)), 30_000);
        d.disconnect("a", a);
        d.disconnect("b", b);
    }
}
