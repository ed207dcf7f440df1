package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class SealsTest {

    @Test
    void shouldReportNoSealsWhenMemfdIsPlain() {
        int fd = Memfd.create("plain", 4096);
        try {
            assertEquals(0, Fds.seals(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void shouldFixSizeButKeepMemoryWritableWhenMemfdCreatedSealed() {
        int fd = Memfd.createSealed("sealed", 8192);
        try (Arena arena = Arena.ofShared()) {
            assertEquals(Memfd.F_SEAL_SHRINK | Memfd.F_SEAL_GROW, Fds.seals(fd));
            assertEquals(8192, Fds.fileSize(fd));
            MemorySegment m = Mmap.mapShared(fd, 0, 8192, arena);
            m.set(ValueLayout.JAVA_INT, 4096, 42);
            assertEquals(42, m.get(ValueLayout.JAVA_INT, 4096));
            SysException e = assertThrows(SysException.class, () -> Memfd.addSeals(fd, 0x1000));
            assertEquals(Errno.EINVAL, e.errno()); // unknown seal bit
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void shouldReportMinusOneWhenFdCannotBeSealed() {
        int efd = EventFd.create();
        int[] pair = UnixSockets.socketPair();
        try {
            assertEquals(-1, Fds.seals(efd));
            assertEquals(-1, Fds.seals(pair[0]));
        } finally {
            Fds.close(efd);
            Fds.closeAll(pair, 2);
        }
    }

    @Test
    void shouldThrowEbadfWhenFdIsNotOpen() {
        SysException e = assertThrows(SysException.class, () -> Fds.seals(1 << 30));
        assertEquals("fcntl", e.call());
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void shouldNotTakeMemfdSocketOrEventfdForDmabufWhenAsked() {
        int memfd = Memfd.createSealed("not-a-dmabuf", 4096);
        int efd = EventFd.create();
        int[] pair = UnixSockets.socketPair();
        try {
            assertFalse(Fds.isDmabuf(memfd));
            assertFalse(Fds.isDmabuf(efd));
            assertFalse(Fds.isDmabuf(pair[0]));
            assertFalse(Fds.isDmabuf(-1));
            assertFalse(Fds.isDmabuf(1 << 30));
        } finally {
            Fds.close(memfd);
            Fds.close(efd);
            Fds.closeAll(pair, 2);
        }
    }
}
