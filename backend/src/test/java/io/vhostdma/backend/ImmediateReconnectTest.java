package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.SessionCounters;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A front end that closes and connects again at once (a restarting DPDK application, a fast QEMU reconnect)
 * reaches vhostd while the previous session is still being torn down: it is served, never reset.
 */
class ImmediateReconnectTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldServeEveryConnectionWhenFrontEndReconnectsAtOnceTwentyTimes() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend b = d.connect("b");
            FrontendOptions options = FrontendOptions.builder(d.socket("a")).memorySize(2L << 20).ringSize(64)
                    .timeoutMillis(DaemonFixture.WAIT_MILLIS).build();
            VhostUserFrontend a = VhostUserFrontend.connect(options);
            for (int i = 0; i < 20; i++) {
                a.close(); // GET_VRING_BASE for every ring, then the socket closes; the teardown follows
                a = VhostUserFrontend.connect(options); // at once: the handshake must complete, not be reset
            }
            VhostUserFrontend last = a;
            DaemonFixture.awaitUntil(() -> d.port("a").device() != null, "last session up");
            d.settle();
            Flow.run(List.of(new Flow(last, b, 0, B, A, Frames.sizes(20, 1, 0, 0), 1)), 10_000);
            Flow.run(List.of(new Flow(b, last, 0, A, B, Frames.sizes(20, 2, 0, 0), 2)), 10_000);
            SessionCounters counters = d.vhostd().sessionCounters().get(0);
            assertEquals(21, counters.connections(), "every connection served");
            assertEquals(0, counters.connectionsRefused());
            assertEquals(0, counters.errorsTotal());
            last.close();
        }
    }
}
