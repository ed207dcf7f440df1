package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The notifier signals a peer's eventfd without ever blocking, whatever the peer did to it: cleared
 * O_NONBLOCK, a saturated counter, or both; and it refuses an fd that is not an eventfd.
 */
class AioNotifierTest {
    private static final long SATURATED = 0xffff_ffff_ffff_fffeL;

    @Test
    void shouldSignalEveryEventFdOfABatchWhenSubmitted() {
        int a = EventFd.create();
        int b = EventFd.create();
        try (AioNotifier n = new AioNotifier(8)) {
            assertEquals(0, n.add(a));
            assertEquals(1, n.add(b));
            assertEquals(2, n.add(a));
            assertEquals(3, n.submit());
            assertFalse(n.failed(0) || n.failed(1) || n.failed(2));
            assertEquals(0, n.count());
            assertEquals(2L, EventFd.drain(a));
            assertEquals(1L, EventFd.drain(b));
        } finally {
            Fds.close(a);
            Fds.close(b);
        }
    }

    @Test
    void shouldNotBlockWhenPeerClearedNonBlockAndSaturatedTheCounter() throws Exception {
        int fd = EventFd.create();
        try (AioNotifier n = new AioNotifier(4)) {
            Fds.setBlocking(fd, true);
            write(fd, SATURATED);
            // a plain write(1) would now sleep until someone reads; the notifier must return at once
            CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> {
                n.add(fd);
                return n.submit();
            });
            assertEquals(1, done.get(5, TimeUnit.SECONDS));
            assertFalse(n.failed(0), "a saturated counter absorbs the signal; nothing is refused");
            assertEquals(-1L, read(fd), "the kernel caps the counter at 2^64-1: the reader is still woken");
            // and with O_NONBLOCK cleared the signal still arrives (a write would have been refused or blocked)
            n.add(fd);
            n.submit();
            assertEquals(1L, read(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void shouldRefuseOnlyTheSignalWhoseFdIsNotAnEventFdWhenBatched() {
        int efd = EventFd.create();
        int memfd = Memfd.create("not-an-eventfd", 0);
        try (AioNotifier n = new AioNotifier(4)) {
            n.add(efd);
            n.add(memfd);
            n.add(efd);
            n.add(-1);
            assertEquals(4, n.submit());
            assertFalse(n.failed(0));
            assertTrue(n.failed(1), "memfd refused");
            assertFalse(n.failed(2), "the batch goes on after a refusal");
            assertTrue(n.failed(3), "closed fd refused");
            assertEquals(2L, EventFd.drain(efd));
        } finally {
            Fds.close(efd);
            Fds.close(memfd);
        }
    }

    @Test
    void shouldNeverRunOutOfRequestSlotsWhenSignallingManyTimes() {
        int fd = EventFd.create();
        try (AioNotifier n = new AioNotifier(4)) {
            for (int i = 0; i < 10_000; i++) {
                n.add(fd);
                n.submit();
                assertFalse(n.failed(0), "signal " + i + " refused: completions not reaped?");
            }
            assertEquals(10_000L, EventFd.drain(fd));
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void shouldRecognizeOnlyEventFdsWhenChecked() {
        int efd = EventFd.create();
        int memfd = Memfd.create("m", 0);
        int[] pair = UnixSockets.socketPair();
        try {
            assertTrue(EventFd.isEventFd(efd));
            assertFalse(EventFd.isEventFd(memfd));
            assertFalse(EventFd.isEventFd(pair[0]));
            assertFalse(EventFd.isEventFd(-1));
            assertEquals("anon_inode:[eventfd]", Fds.describe(efd));
            assertTrue(Fds.describe(memfd).startsWith("/memfd:m"), Fds.describe(memfd));
        } finally {
            Fds.close(efd);
            Fds.close(memfd);
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }

    private static void write(int fd, long value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
            v.set(ValueLayout.JAVA_LONG, 0, value);
            long r = (long) Libc.WRITE.invokeExact(Libc.state(), fd, v, 8L);
            assertEquals(8L, r);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Reads the counter of a (blocking) eventfd known to be non-zero. */
    private static long read(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
            long r = (long) Libc.READ.invokeExact(Libc.state(), fd, v, 8L);
            assertEquals(8L, r);
            return v.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
