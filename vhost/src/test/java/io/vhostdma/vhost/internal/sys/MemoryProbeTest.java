package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class MemoryProbeTest {
    @Test
    void shouldReportPagesBeyondTheFileAsUnreadableWhenThePeerShrankIt() {
        int fd = Memfd.create("shrinking", 4 * 4096);
        try (Arena arena = Arena.ofShared(); MemoryProbe probe = new MemoryProbe()) {
            MemorySegment m = Mmap.mapShared(fd, 0, 4 * 4096, arena);
            assertTrue(probe.readable(m, 0));
            assertTrue(probe.readable(m, 4 * 4096 - 1));
            Fds.truncate(fd, 4096);
            assertTrue(probe.readable(m, 4095), "the first page is still backed");
            assertFalse(probe.readable(m, 4096), "beyond the file: a Java read would raise SIGBUS");
            assertFalse(probe.readable(m, 4 * 4096 - 1));
        } finally {
            Fds.close(fd);
        }
    }
}
