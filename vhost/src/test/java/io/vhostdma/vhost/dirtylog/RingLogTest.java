package io.vhostdma.vhost.dirtylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.virtq.WriteLog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log bitmap as the front end sees it (its own mapping of the memfd): one bit per 4 KiB page, byte = page / 8,
 * bit = page % 8; bits land only at a flush (cached until then), never beyond the bitmap; the used ring is logged
 * at its log address only while the ring's LOG flag is set; nothing is logged while LOG_ALL is off.
 */
class RingLogTest {
    private static final long BYTES = 12; // 96 pages; the last word is partial
    private final Arena arena = Arena.ofConfined();
    private int fd;
    private MemorySegment frontEnd;
    private DirtyLog log;
    private WriteLog ring;

    @BeforeEach
    void setUp() {
        fd = Memfd.create("ring-log-test", 4096);
        frontEnd = Mmap.mapShared(fd, 0, 4096, arena);
        log = new DirtyLog(2);
        log.swapBitmap(LogBitmap.map(fd, BYTES, 0));
        log.logAll(true);
        ring = log.forRing(1);
    }

    @AfterEach
    void tearDown() {
        LogBitmap b = log.reset();
        if (b != null) {
            b.close();
        }
        arena.close();
        Fds.close(fd);
    }

    @Test
    void shouldSetThePagesOfAWriteOnlyAtFlushWhenLogging() {
        assertTrue(ring.enabled());
        ring.guestWritten(4096 * 9 + 4000, 200); // pages 9 and 10
        assertEquals(0, frontEnd.get(ValueLayout.JAVA_BYTE, 1), "cached until the flush");
        ring.flush();
        assertEquals((byte) 0b0000_0110, frontEnd.get(ValueLayout.JAVA_BYTE, 1), "byte 1: pages 9 and 10");
        assertEquals(0, frontEnd.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void shouldIgnorePagesBeyondTheBitmapWhenTheLastWordIsPartial() {
        ring.guestWritten(4096L * 95, 4096 * 3); // pages 95, 96, 97: only 95 has a bit
        ring.guestWritten(1L << 40, 4096);
        ring.flush();
        assertEquals((byte) 0x80, frontEnd.get(ValueLayout.JAVA_BYTE, 11), "page 95");
        for (int b = 12; b < 64; b++) {
            assertEquals(0, frontEnd.get(ValueLayout.JAVA_BYTE, b), "byte " + b + " beyond mmap_size");
        }
    }

    @Test
    void shouldFlushOnItsOwnWhenTheCacheIsFull() {
        for (int w = 0; w < RingLog.CACHE_WORDS + 1; w++) {
            ring.guestWritten(4096L * 64 * w, 1); // one page in each of 33 words: the bitmap has only two
        }
        assertTrue(log.bitmap().isSet(0) && log.bitmap().isSet(64), "the full cache was flushed");
    }

    @Test
    void shouldLogTheUsedRingAtItsLogAddressOnlyWhileTheFlagIsSet() {
        ring.usedRing(1, 0, 8);
        ring.flush();
        assertFalse(log.bitmap().isSet(2), "no LOG flag: nothing");
        log.usedLog(1, 2 * 4096 + 4090);
        ring.usedRing(1, 4, 8); // gpa 2*4096+4094 .. +8: pages 2 and 3
        ring.flush();
        assertTrue(log.bitmap().isSet(2) && log.bitmap().isSet(3));
    }

    @Test
    void shouldStayDisabledWhenLogAllIsOffOrNoBitmapIsMapped() {
        log.logAll(false);
        assertFalse(ring.enabled());
        log.logAll(true);
        LogBitmap b = log.swapBitmap(null);
        assertFalse(ring.enabled(), "no bitmap");
        b.close();
    }

    @Test
    void shouldMapAClearBitmapOfItsOwnWhenCreated() {
        try (LogBitmap b = LogBitmap.create(BYTES)) {
            assertEquals(BYTES, b.bytes());
            assertFalse(b.isSet(0));
            b.or(0, 1L << 5);
            assertTrue(b.isSet(5));
            assertFalse(b.covers(BYTES * 8));
        }
    }

    @Test
    void shouldRefuseAnFdThatIsNotSharedMemory() {
        int efd = EventFd.create();
        try {
            assertThrows(IllegalArgumentException.class, () -> LogBitmap.map(efd, 8, 0));
        } finally {
            Fds.close(efd);
        }
    }
}
