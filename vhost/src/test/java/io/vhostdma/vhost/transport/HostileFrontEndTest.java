package io.vhostdma.vhost.transport;

import static io.vhostdma.vhost.transport.ServerFixture.F1;
import static io.vhostdma.vhost.transport.ServerFixture.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.protocol.ProtocolException.Kind;
import io.vhostdma.vhost.protocol.RecordingDataPlane;
import io.vhostdma.vhost.protocol.Request;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostileFrontEndTest {
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    @TempDir
    Path dir;

    static long[] region() {
        return new long[] {0, 4096, 0x40000000L, 0};
    }

    static Stream<Arguments> hostileMessages() {
        return Stream.of(
                Arguments.of("unknown request id", Kind.UNKNOWN_REQUEST,
                        (Consumer<TestFrontEnd>) fe -> fe.send(99, F1, new byte[0])),
                Arguments.of("wrong payload size", Kind.BAD_SIZE,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.SET_VRING_NUM, F1, new byte[12])),
                Arguments.of("payload above 4096", Kind.BAD_HEADER,
                        (Consumer<TestFrontEnd>) fe -> fe.sendRaw(Request.SET_FEATURES, F1, 5000, new byte[8])),
                Arguments.of("bad version flags", Kind.BAD_HEADER,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.GET_FEATURES, 0x2, new byte[0])),
                Arguments.of("reply flag on a request", Kind.BAD_HEADER,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.GET_FEATURES, 0x5, new byte[0])),
                Arguments.of("nine regions", Kind.BAD_VALUE, (Consumer<TestFrontEnd>) fe -> {
                    long[][] r = new long[9][];
                    for (int i = 0; i < 9; i++) {
                        r[i] = new long[] {i * 4096L, 4096, 0x40000000L + i * 4096L, 0};
                    }
                    fe.send(Request.SET_MEM_TABLE, F1, TestFrontEnd.memTable(r));
                }),
                Arguments.of("nregions differs from fds", Kind.BAD_FDS, (Consumer<TestFrontEnd>) fe -> {
                    int m = Memfd.create("g", 4096);
                    fe.send(Request.SET_MEM_TABLE, F1, TestFrontEnd.memTable(region(), new long[] {8192, 4096,
                            0x50000000L, 0}), m);
                    Fds.close(m);
                }),
                Arguments.of("region beyond its file", Kind.BAD_VALUE, (Consumer<TestFrontEnd>) fe -> {
                    int m = Memfd.create("g", 4096);
                    fe.send(Request.SET_MEM_TABLE, F1, TestFrontEnd.memTable(new long[] {0, 8192, 0x40000000L, 0}), m);
                    Fds.close(m);
                }),
                Arguments.of("ring index beyond queue pairs", Kind.BAD_RING_INDEX,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.SET_VRING_NUM, F1, TestFrontEnd.state(2, 256))),
                Arguments.of("kick ring index beyond queue pairs", Kind.BAD_RING_INDEX, (Consumer<TestFrontEnd>) fe -> {
                    int e = EventFd.create();
                    fe.send(Request.SET_VRING_KICK, F1, TestFrontEnd.u64(5), e);
                    Fds.close(e);
                }),
                Arguments.of("kick that is a pipe, not an eventfd", Kind.BAD_FDS, (Consumer<TestFrontEnd>) fe -> {
                    int[] pipe = io.vhostdma.vhost.internal.sys.UnixSockets.socketPair();
                    fe.send(Request.SET_VRING_KICK, F1, TestFrontEnd.u64(0), pipe[0]);
                    Fds.close(pipe[0]);
                    Fds.close(pipe[1]);
                }),
                Arguments.of("call that is a memfd, not an eventfd", Kind.BAD_FDS, (Consumer<TestFrontEnd>) fe -> {
                    int m = Memfd.create("call", 0);
                    fe.send(Request.SET_VRING_CALL, F1, TestFrontEnd.u64(1), m);
                    Fds.close(m);
                }),
                Arguments.of("err that is a memfd, not an eventfd", Kind.BAD_FDS, (Consumer<TestFrontEnd>) fe -> {
                    int m = Memfd.create("err", 0);
                    fe.send(Request.SET_VRING_ERR, F1, TestFrontEnd.u64(0), m);
                    Fds.close(m);
                }),
                Arguments.of("fds attached to GET_FEATURES", Kind.BAD_FDS, (Consumer<TestFrontEnd>) fe -> {
                    int e = EventFd.create();
                    fe.send(Request.GET_FEATURES, F1, new byte[0], e, e);
                    Fds.close(e);
                }),
                Arguments.of("ring size not a power of two", Kind.BAD_VALUE,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.SET_VRING_NUM, F1, TestFrontEnd.state(0, 300))),
                Arguments.of("unoffered feature bits", Kind.UNOFFERED_FEATURE,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.SET_FEATURES, F1, TestFrontEnd.u64(1L << 33))),
                Arguments.of("unoffered protocol features", Kind.UNOFFERED_FEATURE,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.SET_PROTOCOL_FEATURES, F1,
                                TestFrontEnd.u64(1L << 5))),
                Arguments.of("GET_QUEUE_NUM without MQ", Kind.NOT_NEGOTIATED,
                        (Consumer<TestFrontEnd>) fe -> fe.send(Request.GET_QUEUE_NUM, F1, new byte[0])),
                Arguments.of("backend channel never offered", Kind.NOT_NEGOTIATED, (Consumer<TestFrontEnd>) fe -> {
                    int[] pair = io.vhostdma.vhost.internal.sys.UnixSockets.socketPair();
                    fe.send(Request.SET_BACKEND_REQ_FD, 0x9, new byte[0], pair[0]);
                    Fds.close(pair[0]);
                    Fds.close(pair[1]);
                }),
                Arguments.of("log base without LOG_SHMFD negotiated", Kind.NOT_NEGOTIATED, (Consumer<TestFrontEnd>) fe -> {
                    int m = Memfd.create("log", 4096);
                    fe.send(Request.SET_LOG_BASE, F1, new byte[16], m);
                    Fds.close(m);
                }),
                Arguments.of("SET_VRING_ADDR with an unknown flag", Kind.BAD_VALUE, (Consumer<TestFrontEnd>) fe -> {
                    byte[] a = TestFrontEnd.addr(0, 0, 0, 0);
                    a[4] = 2;
                    fe.send(Request.SET_VRING_ADDR, F1, a);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileMessages")
    void shouldCloseOnlyThatConnectionWhenMessageIsMalformed(String what, Kind kind, Consumer<TestFrontEnd> attack)
            throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        try (VhostUserServer bad = ServerFixture.server(VERTX.get(), dir, "bad", 1, dp);
                VhostUserServer good = ServerFixture.server(VERTX.get(), dir, "good", 1, new RecordingDataPlane());
                TestFrontEnd victim = TestFrontEnd.connect(good.spec().socket())) {
            ServerFixture.negotiate(victim);
            int baseline;
            try (TestFrontEnd fe = TestFrontEnd.connect(bad.spec().socket())) {
                fe.call(Request.GET_FEATURES, F1, new byte[0]);
                waitUntil(() -> bad.session() != null, "session");
                baseline = Fds.openCount();
                attack.accept(fe);
                assertTrue(fe.eofWithin(3000), "connection closed after: " + what);
            }
            waitUntil(() -> bad.session() == null, "teardown");
            assertEquals(1, bad.counters().errors(kind), what);
            assertEquals(1, bad.counters().connectionsClosedForProtocolErrors());
            // both socket ends are gone, and every fd the attack sent was closed by the back end
            assertEquals(baseline - 2, Fds.openCount(), "fds after: " + what);
            // the other port keeps working
            TestFrontEnd.Reply r = victim.call(Request.GET_QUEUE_NUM, F1, new byte[0]);
            assertEquals(1L, r.u64());
            assertEquals(0, good.counters().errorsTotal());
        }
    }

    @Test
    void shouldRestoreFdCountWhenHundredFullSessionsConnectAndDisconnect() throws Exception {
        RecordingDataPlane dp = new RecordingDataPlane();
        try (VhostUserServer server = ServerFixture.server(VERTX.get(), dir, "cycle", 2, dp)) {
            cycle(server, dp); // warm-up: lazily opened JDK/Netty fds
            int baseline = Fds.openCount();
            for (int i = 0; i < 100; i++) {
                cycle(server, dp);
            }
            assertEquals(baseline, Fds.openCount());
            assertEquals(101, server.counters().disconnects());
            assertEquals(0, server.counters().errorsTotal());
        }
    }

    private static void cycle(VhostUserServer server, RecordingDataPlane dp) throws Exception {
        try (TestFrontEnd fe = TestFrontEnd.connect(server.spec().socket())) {
            ServerFixture.fullSetup(fe, 2);
            assertEquals(4, dp.attachedCount());
        }
        long disconnects = server.counters().disconnects();
        waitUntil(() -> server.session() == null && dp.attachedCount() == 0, "teardown");
        assertTrue(disconnects <= server.counters().disconnects());
    }
}
