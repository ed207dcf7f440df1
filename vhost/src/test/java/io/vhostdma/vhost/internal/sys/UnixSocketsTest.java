package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketsTest {
    @TempDir
    Path dir;

    @Test
    void shouldPassFdsWithTheHeaderWhenSentInOneMessage() throws Exception {
        int[] pair = UnixSockets.socketPair();
        int memfd = Memfd.create("t", 4096);
        int efd = EventFd.create();
        try (MessageBuffer out = new MessageBuffer(64); MessageBuffer in = new MessageBuffer(64);
                Arena arena = Arena.ofShared()) {
            for (int i = 0; i < 20; i++) {
                out.data().set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            assertEquals(20, UnixSockets.send(pair[0], out, 20, new int[] {memfd, efd}, 2));
            assertEquals(12, UnixSockets.receive(pair[1], in, 0, 12, true));
            int[] fds = new int[MessageBuffer.MAX_FDS];
            assertFalse(in.controlTruncated());
            assertEquals(2, in.takeFds(fds));
            assertEquals(8, UnixSockets.receive(pair[1], in, 12, 8, true));
            assertEquals(0, in.takeFds(fds.clone()));
            for (int i = 0; i < 20; i++) {
                assertEquals((byte) i, in.data().get(ValueLayout.JAVA_BYTE, i));
            }
            // the received memfd maps the same memory, the received eventfd the same counter
            MemorySegment a = Mmap.mapShared(memfd, 0, 4096, arena);
            MemorySegment b = Mmap.mapShared(fds[0], 0, 4096, arena);
            a.set(ValueLayout.JAVA_LONG, 64, 0x1122334455L);
            assertEquals(0x1122334455L, b.get(ValueLayout.JAVA_LONG, 64));
            assertEquals(0, EventFd.signal(fds[1]));
            assertEquals(1L, EventFd.drain(efd));
            Fds.close(fds[0]);
            Fds.close(fds[1]);
        } finally {
            Fds.close(memfd);
            Fds.close(efd);
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }

    @Test
    void shouldDeliverEveryByteOnceInOrderWhenSendmsgIsPartial() throws Exception {
        int len = 1 << 20; // several socket buffers: sendmsg on the non-blocking end returns short counts
        int[] pair = UnixSockets.socketPair();
        Fds.setNonBlocking(pair[0]);
        try (MessageBuffer out = new MessageBuffer(len)) {
            for (int i = 0; i < len; i++) {
                out.data().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + (i >>> 8)));
            }
            // nobody reads yet: the first sendmsg fills the socket buffer and stops short
            long sent = UnixSockets.sendFrom(pair[0], out, 0, len, new int[0], 0);
            assertTrue(sent > 0 && sent < len, "short first send: " + sent);
            java.util.concurrent.CompletableFuture<byte[]> got = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> receiveAll(pair[1], len));
            int partial = 1;
            while (sent < len) {
                long r = UnixSockets.sendFrom(pair[0], out, sent, len, new int[0], 0);
                if (r == -Errno.EAGAIN) {
                    Thread.onSpinWait();
                    continue;
                }
                assertTrue(r > sent && r <= len, "progress: sent=" + sent + " r=" + r);
                partial += r < len ? 1 : 0;
                sent = r;
            }
            byte[] in = got.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(partial > 0, "the test must exercise short sends");
            for (int i = 0; i < len; i++) {
                assertEquals((byte) (i * 31 + (i >>> 8)), in[i], "byte " + i);
            }
        } finally {
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }

    private static byte[] receiveAll(int fd, int len) {
        byte[] all = new byte[len];
        try (MessageBuffer in = new MessageBuffer(4096)) {
            int got = 0;
            while (got < len) {
                int r = (int) UnixSockets.receive(fd, in, 0, Math.min(4096, len - got), false);
                assertTrue(r > 0, "receive: " + r);
                MemorySegment.copy(in.data(), ValueLayout.JAVA_BYTE, 0, all, got, r);
                got += r;
            }
        }
        return all;
    }

    @Test
    void shouldCreateSocketWithRequestedModeWhenListening() throws Exception {
        Path p = dir.resolve("s.sock");
        Files.writeString(dir.resolve("other"), "x");
        int lfd = UnixSockets.listen(p, 4, 0600);
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            assertEquals(-Errno.EAGAIN, UnixSockets.accept(lfd));
            int c = UnixSockets.connect(p, false);
            int s = UnixSockets.accept(lfd);
            assertTrue(s >= 0);
            Fds.close(c);
            Fds.close(s);
        } finally {
            Fds.close(lfd);
        }
        // a stale socket file is replaced, a regular file is not
        int again = UnixSockets.listen(p, 4, 0660);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        Fds.close(again);
        assertThrows(IllegalStateException.class, () -> UnixSockets.listen(dir.resolve("other"), 4, 0600));
    }

    @Test
    void shouldShowTheSocketFileOnlyOnceItListensWhenListening() throws Exception {
        // a front end that sees the file connects at once: no staging name left, nothing half set up
        Path p = dir.resolve("vm.sock");
        int lfd = UnixSockets.listen(p, 4, 0600, null);
        try (var names = Files.list(dir)) {
            assertEquals(java.util.List.of(p), names.toList());
            int c = UnixSockets.connect(p, false);
            Fds.close(c);
        } finally {
            Fds.close(lfd);
        }
        // a path too long for a staging name beside it is bound directly (107 bytes, one-letter name)
        Path deep = dir.resolve("d".repeat(104 - dir.toString().length()));
        Files.createDirectories(deep);
        Path tight = deep.resolve("s");
        assertEquals(107, tight.toString().length(), "test path length");
        int tfd = UnixSockets.listen(tight, 4, 0600, null);
        try {
            int c = UnixSockets.connect(tight, false);
            Fds.close(c);
        } finally {
            Fds.close(tfd);
        }
    }

    @Test
    void shouldNameCallAndErrnoWhenConnectFails() {
        SysException e = assertThrows(SysException.class,
                () -> UnixSockets.connect(dir.resolve("nobody.sock"), false));
        assertEquals("connect", e.call());
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("connect failed: errno=2 (No such file or directory) path="),
                e.getMessage());
    }

    @Test
    void shouldReportEofAsZeroWhenPeerCloses() {
        int[] pair = UnixSockets.socketPair();
        try (MessageBuffer in = new MessageBuffer(16)) {
            Fds.close(pair[0]);
            assertEquals(0, UnixSockets.receive(pair[1], in, 0, 12, true));
        } finally {
            Fds.close(pair[1]);
        }
    }

    @Test
    void shouldReturnToBaselineFdCountWhenResourcesClosed() {
        int before = Fds.openCount();
        for (int i = 0; i < 50; i++) {
            int[] pair = UnixSockets.socketPair();
            int e = EventFd.create();
            int m = Memfd.create("x", 4096);
            Fds.close(pair[0]);
            Fds.close(pair[1]);
            Fds.close(e);
            Fds.close(m);
        }
        assertEquals(before, Fds.openCount());
    }
}
