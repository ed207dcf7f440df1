package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.protocol.ProtocolException.Kind;
import io.vhostdma.vhost.protocol.Request;
import io.vhostdma.vhost.protocol.SessionCounters;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A protocol violation closes that guest's connection only; the daemon and the other ports carry on. */
class ProtocolErrorTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    @TempDir
    Path dir;

    @Test
    void shouldCloseTheConnectionWhenFdsComeWithAMessageThatTakesNone() {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            VhostUserFrontend c = d.connect("c");
            int efd = EventFd.create();
            try {
                a.channel().sendMessage(Request.GET_FEATURES, 0x1, null, 0, new int[] {efd}, 1);
            } finally {
                Fds.close(efd);
            }
            assertTrue(a.channel().isPeerClosed(DaemonFixture.WAIT_MILLIS), "front end sees EOF");
            DaemonFixture.awaitUntil(() -> d.port("a").device() == null, "session a torn down");
            SessionCounters sa = d.vhostd().sessionCounters().get(0);
            assertEquals(1, sa.errors(Kind.BAD_FDS), "BAD_FDS counted");
            assertEquals(1, sa.connectionsClosedForProtocolErrors());
            assertEquals(0, d.vhostd().sessionCounters().get(1).errorsTotal(), "b untouched");
            assertTrue(d.output().contains("port=a connection closed on protocol error kind=BAD_FDS"), d.output());
            assertThrows(RuntimeException.class, a::close, "GET_VRING_BASE on a closed connection fails");

            Flow.run(List.of(new Flow(b, c, 0, C, B, Frames.sizes(200, 1, 0, 0), 1),
                    new Flow(c, b, 0, B, C, Frames.sizes(200, 2, 0, 0), 2)), 30_000);
            VhostUserFrontend a2 = d.connect("a");
            Flow.run(List.of(new Flow(a2, b, 0, B, A, Frames.sizes(100, 3, 0, 0), 3),
                    new Flow(b, a2, 0, A, B, Frames.sizes(100, 4, 0, 0), 4)), 30_000);
        }
    }
}
