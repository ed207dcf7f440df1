package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.F1;
import static io.vhostdma.vhost.transport.ServerFixture.await;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VhostUserClientTest {
    @TempDir
    Path dir;

    static int acceptWithin(int listenFd, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            int fd = UnixSockets.accept(listenFd);
            if (fd >= 0) {
                return fd;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no connection within " + millis + " ms");
    }

    @Test
    void shouldConnectRetryAndReconnectWhenFrontEndListensLateAndCloses() throws Exception {
        Vertx vertx = ServerFixture.vertx();
        Path sock = dir.resolve("fe.sock");
        AtomicInteger failures = new AtomicInteger();
        PortListener listener = new PortListener() {
            @Override
            public void connectFailed(String port, String reason, long retryInMillis) {
                failures.incrementAndGet();
            }
        };
        VhostUserClient client = VhostUserClient.start(vertx, new PortSpec("c1", sock, 0600, 1),
                new RecordingDataPlane(), listener);
        try {
            waitUntil(() -> failures.get() >= 2, "connect attempts fail while nobody listens");
            int lfd = UnixSockets.listen(sock, 4, 0600);
            try {
                for (int round = 1; round <= 2; round++) {
                    try (TestFrontEnd fe = new TestFrontEnd(acceptWithin(lfd, 5000))) {
                        Fds.setNonBlocking(fe.fd);
                        TestFrontEnd.Reply r = fe.call(Request.GET_FEATURES, F1, new byte[0]);
                        assertEquals(0x5, r.flags());
                        assertEquals(VirtioNetFeatures.OFFERED, r.u64());
                    }
                    int expected = round;
                    waitUntil(() -> client.counters().disconnects() == expected, "disconnect " + expected);
                }
                assertEquals(2, client.counters().connections());
            } finally {
                Fds.close(lfd);
            }
            await(client.shutdown());
            assertTrue(client.session() == null);
        } finally {
            await(vertx.close().toCompletionStage());
        }
    }
}
