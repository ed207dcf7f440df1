package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class EventFdEpollTest {
    @Test
    void shouldSumSignalsAndResetWhenDrained() {
        int fd = EventFd.create();
        try {
            assertEquals(-1L, EventFd.drain(fd));
            EventFd.signal(fd);
            EventFd.signal(fd);
            assertEquals(2L, EventFd.drain(fd));
            assertEquals(-1L, EventFd.drain(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void shouldWakeWaiterWithDataWhenWatchedFdSignalled() throws Exception {
        int a = EventFd.create();
        int b = EventFd.create();
        try (Epoll ep = new Epoll(4)) {
            ep.add(a, Epoll.EPOLLIN, 100);
            ep.add(b, Epoll.EPOLLIN, 200);
            assertEquals(0, ep.await(0));
            Thread t = Thread.ofPlatform().start(() -> EventFd.signal(b));
            assertEquals(1, ep.await(5000));
            assertEquals(200L, ep.data(0));
            assertEquals(Epoll.EPOLLIN, ep.events(0) & Epoll.EPOLLIN);
            t.join();
            ep.remove(b);
            ep.remove(b);
            assertEquals(0, ep.await(0));
        } finally {
            Fds.close(a);
            Fds.close(b);
        }
    }

    @Test
    void shouldThrowInAccessingThreadWhenArenaClosedAfterMmap() {
        int fd = Memfd.create("m", 1 << 20);
        Arena arena = Arena.ofShared();
        MemorySegment seg = Mmap.mapShared(fd, 0, 1 << 20, arena);
        seg.set(ValueLayout.JAVA_INT, 0, 7);
        arena.close();
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_INT, 0));
        Fds.close(fd);
    }

    @Test
    void shouldReportBlockAndFileSizeWhenStatted() {
        int fd = Memfd.create("s", 3 * 4096);
        try {
            assertEquals(3 * 4096L, Fds.fileSize(fd));
            assertEquals(4096L, Fds.blockSize(fd));
        } finally {
            Fds.close(fd);
        }
    }
}
