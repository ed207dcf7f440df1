package io.vhostdma.vhost.transport;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared helpers: an io_uring Vert.x, server start, and the standard front-end setup sequence. */
final class ServerFixture {
    static final int F1 = 0x1;
    static final int F_ACK = 0x9;
    static final long UVA = 0x7f0000000000L;
    static final long GPA = 0x100000L;
    static final long MEM_SIZE = 1 << 20;
    static final long FEATURES = (1L << 32) | (1L << 30) | (1L << 15) | (1L << 28);
    static final long PROTOCOL = ProtocolFeatures.bit(ProtocolFeatures.MQ) | ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK)
            | ProtocolFeatures.bit(ProtocolFeatures.STATUS) | ProtocolFeatures.bit(ProtocolFeatures.MTU);

    private ServerFixture() {
    }

    static Vertx vertx() {
        return Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(2)).withTransport(Transport.IO_URING).build();
    }

    static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static VhostUserServer server(Vertx vertx, Path dir, String name, int queuePairs, RecordingDataPlane dp)
            throws Exception {
        return await(VhostUserServer.listen(vertx, new PortSpec(name, dir.resolve(name + ".sock"), 0600, queuePairs),
                dp, PortListener.NONE));
    }

    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(2);
        }
    }

    /** GET/SET features and protocol features, SET_OWNER. */
    static void negotiate(TestFrontEnd fe) {
        fe.call(Request.GET_FEATURES, F1, new byte[0]);
        fe.call(Request.GET_PROTOCOL_FEATURES, F1, new byte[0]);
        fe.send(Request.SET_PROTOCOL_FEATURES, F1, TestFrontEnd.u64(PROTOCOL));
        fe.send(Request.SET_OWNER, F1, new byte[0]);
        fe.send(Request.SET_FEATURES, F1, TestFrontEnd.u64(FEATURES));
    }

    /** SET_MEM_TABLE of one memfd region (acked); returns the memfd (the caller closes it). */
    static int memTable(TestFrontEnd fe) {
        int memfd = Memfd.create("guest", MEM_SIZE);
        TestFrontEnd.Reply ack = fe.call(Request.SET_MEM_TABLE, F_ACK,
                TestFrontEnd.memTable(new long[] {GPA, MEM_SIZE, UVA, 0}), memfd);
        if (ack.u64() != 0) {
            throw new AssertionError("SET_MEM_TABLE nacked");
        }
        return memfd;
    }

    static long ringBase(int ring) {
        return UVA + ring * 0x10000L;
    }

    /** NUM, BASE, ADDR, CALL, KICK, ENABLE for ring {@code ring}; returns {kick, call} (caller closes). */
    static int[] ring(TestFrontEnd fe, int ring) {
        long b = ringBase(ring);
        fe.send(Request.SET_VRING_NUM, F1, TestFrontEnd.state(ring, 256));
        fe.send(Request.SET_VRING_BASE, F1, TestFrontEnd.state(ring, 0));
        fe.send(Request.SET_VRING_ADDR, F1, TestFrontEnd.addr(ring, b, b + 0x4000, b + 0x2000));
        int call = EventFd.create();
        int kick = EventFd.create();
        fe.send(Request.SET_VRING_CALL, F1, TestFrontEnd.u64(ring), call);
        fe.send(Request.SET_VRING_KICK, F1, TestFrontEnd.u64(ring), kick);
        fe.call(Request.SET_VRING_ENABLE, F_ACK, TestFrontEnd.state(ring, 1));
        return new int[] {kick, call};
    }

    /** A full setup of every ring of a {@code queuePairs} device; closes the client's own fds. */
    static void fullSetup(TestFrontEnd fe, int queuePairs) {
        negotiate(fe);
        int memfd = memTable(fe);
        Fds.close(memfd);
        for (int r = 0; r < 2 * queuePairs; r++) {
            int[] fds = ring(fe, r);
            Fds.close(fds[0]);
            Fds.close(fds[1]);
        }
    }
}
