package io.vhostdma.vhost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SET_LOG_BASE and SET_LOG_FD on a session: a valid log is mapped once and answered with u64 0, replaced and
 * disconnected logs are unmapped, hostile values (size 0, overflow, an fd too small, no fd, an fd of another kind)
 * are refused with the message's fds closed and nothing mapped; LOG_ALL may change while rings run.
 */
class LogBaseTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment payload = arena.allocate(64, 8);
    private FdLeakCheck fds;
    private RecordingDataPlane plane;
    private VhostUserSession session;

    @BeforeEach
    void setUp() {
        fds = FdLeakCheck.begin();
        plane = new RecordingDataPlane();
        session = new VhostUserSession("log", 1, plane, Runnable::run, new SessionCounters());
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, ProtocolFeatures.bit(ProtocolFeatures.LOG_SHMFD)
                | ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK));
        send(Request.SET_PROTOCOL_FEATURES, 8);
    }

    @AfterEach
    void tearDown() {
        session.disconnect().toCompletableFuture().join();
        assertNull(session.device().dirtyLog().bitmap(), "bitmap after disconnect");
        arena.close();
        fds.assertNoLeak("disconnect");
    }

    @Test
    void shouldMapOnceAndReplyZeroWhenLogBaseIsValid() {
        String name = logName();
        Reply r = logBase(name, 8192, 4096, 0);
        assertEquals(8, r.payloadSize(), "LOG_SHMFD reply size");
        assertEquals(0, r.value(), "LOG_SHMFD reply value");
        assertEquals(4096, session.device().dirtyLog().bitmap().bytes());
        assertEquals(1, mappings(name), "mappings of the log");
        int quiesces = plane.quiesces.get();
        String second = logName();
        logBase(second, 4096, 4096, 0);
        assertEquals(0, mappings(name), "replaced log unmapped");
        assertEquals(1, mappings(second), "new log mapped");
        assertTrue(plane.quiesces.get() > quiesces, "replaced log unmapped only after a quiesce");
        session.disconnect().toCompletableFuture().join();
        assertEquals(0, mappings(second), "log unmapped at disconnect");
    }

    @Test
    void shouldMapAtOffsetWhenOffsetIsNonZero() {
        String name = logName();
        logBase(name, 3 * 4096, 4096, 8192);
        assertEquals(4096, session.device().dirtyLog().bitmap().bytes());
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("size 0", 4096L, 0L, 0L, 1, ProtocolException.Kind.BAD_VALUE),
                Arguments.of("offset + size overflows", 4096L, 0x2000L, 0x7fff_ffff_ffff_f000L, 1,
                        ProtocolException.Kind.BAD_VALUE),
                Arguments.of("negative offset", 4096L, 0x1000L, -4096L, 1, ProtocolException.Kind.BAD_VALUE),
                Arguments.of("size above 4 GiB", 4096L, (1L << 32) + 8, 0L, 1, ProtocolException.Kind.BAD_VALUE),
                Arguments.of("misaligned offset", 8192L, 4096L, 4L, 1, ProtocolException.Kind.BAD_VALUE),
                Arguments.of("fd too small", 4096L, 8192L, 0L, 1, ProtocolException.Kind.BAD_FDS),
                Arguments.of("offset past the end of the fd", 4096L, 4096L, 4096L, 1, ProtocolException.Kind.BAD_FDS),
                Arguments.of("no fd", 4096L, 4096L, 0L, 0, ProtocolException.Kind.BAD_FDS),
                Arguments.of("two fds", 4096L, 4096L, 0L, 2, ProtocolException.Kind.BAD_FDS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void shouldRefuseAndCloseFdsWhenLogBaseIsHostile(String what, long fileSize, long size, long offset, int fdCount,
            ProtocolException.Kind kind) {
        String name = logName();
        int[] sent = new int[fdCount];
        for (int i = 0; i < fdCount; i++) {
            sent[i] = Memfd.create(name, fileSize);
        }
        ProtocolException e = refused(Request.SET_LOG_BASE, logPayload(size, offset), sent);
        assertEquals(kind, e.kind(), e.getMessage());
        assertNull(session.device().dirtyLog().bitmap(), "nothing published");
        assertEquals(0, mappings(name), "nothing mapped");
    }

    @Test
    void shouldRefuseWhenLogFdIsNotSharedMemory() {
        int efd = EventFd.create();
        ProtocolException e = refused(Request.SET_LOG_BASE, logPayload(4096, 0), new int[] {efd});
        assertEquals(ProtocolException.Kind.BAD_FDS, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("not shared memory"), e.getMessage());
    }

    @Test
    void shouldRefuseLogBaseWhenLogShmfdIsNotNegotiated() {
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        send(Request.SET_PROTOCOL_FEATURES, 8);
        ProtocolException e = refused(Request.SET_LOG_BASE, logPayload(4096, 0),
                new int[] {Memfd.create(logName(), 4096)});
        assertEquals(ProtocolException.Kind.NOT_NEGOTIATED, e.kind());
    }

    @Test
    void shouldKeepEventFdAndCloseTheOldOneWhenLogFdIsReplaced() {
        int first = EventFd.create();
        int second = EventFd.create();
        session.handle(Request.SET_LOG_FD, 0x1, payload, 0, new int[] {first}, 1).toCompletableFuture().join();
        assertTrue(io.vhostdma.vhost.internal.sys.Fds.isOpen(first), "log fd kept");
        session.handle(Request.SET_LOG_FD, 0x1, payload, 0, new int[] {second}, 1).toCompletableFuture().join();
        assertTrue(io.vhostdma.vhost.internal.sys.Fds.isOpen(second), "new log fd kept");
        // the old one is closed (tearDown's leak check proves the second is closed at disconnect)
        int memfd = Memfd.create(logName(), 4096);
        ProtocolException e = refused(Request.SET_LOG_FD, new byte[0], new int[] {memfd});
        assertEquals(ProtocolException.Kind.BAD_FDS, e.kind(), "a log fd that is no eventfd");
    }

    @Test
    void shouldSwitchLogAllWhenRingsRun() {
        long base = VirtioNetFeatures.OFFERED & ~VirtioNetFeatures.LOG_ALL;
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, base);
        send(Request.SET_FEATURES, 8);
        logBase(logName(), 4096, 4096, 0);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, base | VirtioNetFeatures.LOG_ALL);
        send(Request.SET_FEATURES, 8);
        assertTrue(session.device().dirtyLog().active(), "logging on");
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, base);
        send(Request.SET_FEATURES, 8);
        assertTrue(!session.device().dirtyLog().active(), "logging off");
    }

    private Reply logBase(String name, long fileSize, long size, long offset) {
        int fd = Memfd.create(name, fileSize);
        byte[] p = logPayload(size, offset);
        MemorySegment.copy(p, 0, payload, ValueLayout.JAVA_BYTE, 0, p.length);
        Reply r = session.handle(Request.SET_LOG_BASE, 0x1, payload, p.length, new int[] {fd}, 1)
                .toCompletableFuture().join();
        assertNotNull(r);
        return r;
    }

    private static byte[] logPayload(long size, long offset) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder());
        return b.putLong(size).putLong(offset).array();
    }

    private ProtocolException refused(int request, byte[] p, int[] sent) {
        MemorySegment.copy(p, 0, payload, ValueLayout.JAVA_BYTE, 0, p.length);
        CompletionException e = assertThrows(CompletionException.class, () -> session.handle(request, 0x1, payload,
                p.length, sent, sent.length).toCompletableFuture().join());
        return assertInstanceOf(ProtocolException.class, VhostUserSession.cause(e));
    }

    private void send(int request, int size) {
        session.handle(request, 0x1, payload, size, new int[0], 0).toCompletableFuture().join();
    }

    private static String logName() {
        return "vhost-test-log-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    /** Mappings of memfd {@code name} in this process. */
    private static long mappings(String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("/memfd:" + name + " ")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
