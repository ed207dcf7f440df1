package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mode: client}: vhostd connects to a listening front end, and reconnects after it went away. */
class ClientModeTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    @Test
    void shouldConnectAndReconnectWhenFrontEndListens() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1, "client").port("b", 1).start()) {
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend a = d.connect("a", o -> o.listen(true));
            Flow.run(List.of(new Flow(a, b, 0, B, A, Frames.sizes(300, 1, 0, 0), 1),
                    new Flow(b, a, 0, A, B, Frames.sizes(300, 2, 0, 0), 2)), 30_000);
            d.disconnect("a", a);

            VhostUserFrontend a2 = d.connect("a", o -> o.listen(true));
            Flow.run(List.of(new Flow(a2, b, 0, B, A, Frames.sizes(300, 3, 0, 0), 3),
                    new Flow(b, a2, 0, A, B, Frames.sizes(300, 4, 0, 0), 4)), 30_000);
            assertTrue(d.vhostd().sessionCounters().get(0).connections() >= 2, "vhostd connected twice");
        }
    }
}
