package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.await;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop smoke against a real front end: DPDK testpmd's virtio-user with 2 queue pairs. */
class TestpmdInteropTest {
    static final Path TESTPMD = Path.of("/usr/bin/dpdk-testpmd");
    @TempDir
    Path dir;

    @Test
    void shouldCompleteNegotiationAndTeardownWhenTestpmdConnects() throws Exception {
        boolean present = Files.isExecutable(TESTPMD);
        if (!present) {
            System.out.println("TestpmdInteropTest skipped: " + TESTPMD + " not installed (apt-get install dpdk-dev)");
        }
        Assumptions.assumeTrue(present, "dpdk-testpmd not installed at " + TESTPMD);
        Vertx vertx = ServerFixture.vertx();
        RecordingDataPlane dp = new RecordingDataPlane();
        VhostUserServer server = ServerFixture.server(vertx, dir, "pmd", 2, dp);
        Path log = dir.resolve("testpmd.log");
        int baseline = Fds.openCount();
        Process p = new ProcessBuilder(TESTPMD.toString(), "--no-pci", "--no-huge", "-m", "512",
                "--file-prefix=proto" + ProcessHandle.current().pid(), "--lcores", "0@1,1@1",
                "--vdev", "net_virtio_user0,path=" + server.spec().socket() + ",queues=2", "--",
                "-i", "--rxq=2", "--txq=2", "--total-num-mbufs=4096")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (OutputStream stdin = p.getOutputStream()) {
            try {
                waitUntil(() -> allRingsReady(server, dp) || !p.isAlive(), "4 rings attached and enabled");
            } catch (AssertionError e) {
                var s = server.session();
                throw new AssertionError(e.getMessage() + " events=" + dp.events + " session="
                        + (s == null ? "none" : s.device() + " " + ringStates(s.device())) + " errors="
                        + server.counters().errorsTotal() + "\n" + Files.readString(log), e);
            }
            assertTrue(p.isAlive(), "testpmd exited early: " + Files.readString(log));
            VhostDevice d = server.session().device();
            assertEquals(1, server.counters().messages(Request.SET_MEM_TABLE));
            assertTrue(d.memory().regionCount() >= 1);
            assertTrue(d.hasFeature(32) && d.hasFeature(30));
            for (int i = 0; i < 4; i++) {
                assertTrue(d.ring(i).kickFd() >= 0 && d.ring(i).callFd() >= 0, d.ring(i).toString());
            }
            stdin.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "testpmd did not quit");
            waitUntil(() -> server.session() == null, "EOF tears the session down");
            assertEquals(4, server.counters().messages(Request.GET_VRING_BASE));
            for (int i = 0; i < 4; i++) {
                assertEquals(1, dp.count("detach " + i));
            }
            assertEquals(0, dp.attachedCount());
            assertEquals(0, server.counters().errorsTotal(), Files.readString(log));
            // fds are released by the loop after the session ends: give it a bounded moment
            waitUntil(() -> Fds.openCount() <= baseline, "open fds back to baseline " + baseline);
        } finally {
            p.destroyForcibly();
            await(server.shutdown());
            await(vertx.close().toCompletionStage());
        }
    }

    private static String ringStates(VhostDevice d) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.ringCount(); i++) {
            b.append(d.ring(i)).append(' ');
        }
        return b.toString();
    }

    private static boolean allRingsReady(VhostUserServer server, RecordingDataPlane dp) {
        var s = server.session();
        if (s == null || dp.attachedCount() < 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (!s.device().ring(i).enabled()) {
                return false;
            }
        }
        return true;
    }
}
