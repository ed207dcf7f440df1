package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.F1;
import static io.vhostdma.vhost.transport.ServerFixture.F_ACK;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a session holds is released when the data plane fails it half way (audit items), and a front end
 * that reconnects while the previous session is still being torn down is served, not reset.
 */
class SessionFailureTest {
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    @TempDir
    Path dir;

    @Test
    void shouldCloseTheNewKickFdWhenRingRestartFails() throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        try (VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "kick", 1, dp)) {
            int baseline = Fds.openCount();
            try (TestFrontEnd fe = TestFrontEnd.connect(server.spec().socket())) {
                ServerFixture.negotiate(fe);
                int memfd = ServerFixture.memTable(fe);
                int[] fds = ServerFixture.ring(fe, 0);
                waitUntil(() -> dp.attachedCount() == 1, "ring 0 started");
                dp.failDetach = true; // the restart for the new kick cannot stop the ring
                int kick = EventFd.create();
                fe.send(Request.SET_VRING_KICK, F1, TestFrontEnd.u64(0), kick);
                assertTrue(fe.eofWithin(3000), "the failed message closes the connection");
                for (int fd : new int[] {memfd, fds[0], fds[1], kick}) {
                    Fds.close(fd);
                }
            }
            waitUntil(() -> server.session() == null, "teardown");
            // every fd the session received, the kick that never got installed included, is closed
            waitUntil(() -> Fds.openCount() == baseline, "fd count back to baseline " + baseline);
        }
    }

    @Test
    void shouldUnmapTheNewTableWhenMemoryTableSwapFailsHalfWay() throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        try (VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "swap", 1, dp)) {
            int baseline = Fds.openCount();
            try (TestFrontEnd fe = TestFrontEnd.connect(server.spec().socket())) {
                ServerFixture.negotiate(fe);
                int first = ServerFixture.memTable(fe);
                int[] fds = ServerFixture.ring(fe, 0);
                waitUntil(() -> dp.attachedCount() == 1, "ring 0 started");
                dp.failDetach = true; // the swap maps the new table, then cannot stop the ring
                int second = Memfd.create("swap-new-table", ServerFixture.MEM_SIZE);
                fe.send(Request.SET_MEM_TABLE, F_ACK, TestFrontEnd.memTable(
                        new long[] {0, ServerFixture.MEM_SIZE, ServerFixture.UVA, 0}), second);
                assertTrue(fe.eofWithin(3000), "the failed swap closes the connection");
                for (int fd : new int[] {first, second, fds[0], fds[1]}) {
                    Fds.close(fd);
                }
            }
            waitUntil(() -> server.session() == null, "teardown");
            waitUntil(() -> !mapped("swap-new-table"), "the new table's mapping is gone");
            waitUntil(() -> Fds.openCount() == baseline, "fd count back to baseline " + baseline);
        }
    }

    @Test
    void shouldServeEveryFrontEndWhenItReconnectsAtOnceTwentyTimes() throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        dp.detachDelayMillis = 20; // each teardown is still running when the next front end connects
        try (VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "again", 1, dp)) {
            TestFrontEnd fe = TestFrontEnd.connect(server.spec().socket());
            for (int i = 0; i < 20; i++) {
                ServerFixture.fullSetup(fe, 1);
                fe.close();
                fe = TestFrontEnd.connect(server.spec().socket()); // at once: the teardown has not finished
                assertEquals(Request.GET_FEATURES, fe.call(Request.GET_FEATURES, F1, new byte[0]).request(),
                        "connection " + (i + 1) + " served");
            }
            fe.close();
            assertEquals(21, server.counters().connections());
            assertEquals(0, server.counters().connectionsRefused());
            waitUntil(() -> server.session() == null, "last teardown");
        }
    }

    @Test
    void shouldStillRefuseASecondFrontEndWhileTheSessionIsLive() throws Exception {
        try (VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "live", 1, new RecordingDataPlane());
                TestFrontEnd fe = TestFrontEnd.connect(server.spec().socket())) {
            ServerFixture.fullSetup(fe, 1);
            try (TestFrontEnd second = TestFrontEnd.connect(server.spec().socket())) {
                assertTrue(second.eofWithin(2000));
            }
            assertEquals(1, server.counters().connectionsRefused());
            assertFalse(fe.eofWithin(50), "the live session is untouched");
        }
    }

    private static boolean mapped(String memfdName) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains(memfdName));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
