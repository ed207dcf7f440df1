package io.vhostdma.vhost.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UdmabufTest {

    @Test
    void shouldEncodeCreateRequestWhenComputedWithTheHeaderFormula() {
        // linux/udmabuf.h: UDMABUF_CREATE = _IOW('u', 0x42, struct udmabuf_create);
        // asm-generic/ioctl.h: _IOW = dir(_IOC_WRITE = 1) << 30 | size << 16 | type << 8 | nr
        long formula = (1L << 30) | (24L << 16) | ((long) 'u' << 8) | 0x42;
        assertEquals(formula, Udmabuf.UDMABUF_CREATE);
        assertEquals(0x40187542L, Udmabuf.UDMABUF_CREATE); // printed by a C program including linux/udmabuf.h
    }

    @Test
    void shouldLayOutCreateArgumentAsTheKernelStructWhenBuilt() {
        assertEquals(24, UdmabufCreateLayout.LAYOUT.byteSize());
        assertEquals(0, UdmabufCreateLayout.MEMFD);
        assertEquals(4, UdmabufCreateLayout.FLAGS);
        assertEquals(8, UdmabufCreateLayout.OFFSET);
        assertEquals(16, UdmabufCreateLayout.SIZE);
    }

    @Test
    void shouldExplainUnavailabilityWhenDeviceCannotBeOpened() {
        if (Udmabuf.available()) {
            assertNull(Udmabuf.unavailableReason());
            assertTrue(Files.exists(Path.of(Udmabuf.DEVICE)));
        } else {
            assertNotNull(Udmabuf.unavailableReason());
            assertTrue(Udmabuf.unavailableReason().startsWith("/dev/udmabuf: "), Udmabuf.unavailableReason());
            if (!Files.exists(Path.of(Udmabuf.DEVICE))) {
                assertEquals("/dev/udmabuf: No such file or directory", Udmabuf.unavailableReason());
            }
        }
    }

    @Test
    void shouldRefuseRangeWhenNotPageAligned() {
        long page = Mmap.pageSize();
        assertThrows(IllegalArgumentException.class, () -> Udmabuf.create(3, 1, page));
        assertThrows(IllegalArgumentException.class, () -> Udmabuf.create(3, 0, page + 1));
        assertThrows(IllegalArgumentException.class, () -> Udmabuf.create(3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Udmabuf.create(-1, 0, page));
    }

    @Test
    void shouldExportMemfdPagesWhenMemfdSealedAndDeviceAvailable() {
        UdmabufSupport.assumeAvailable();
        long page = Mmap.pageSize();
        int before = Fds.openCount();
        int memfd = Memfd.createSealed("udmabuf-test", 4 * page);
        int dmabuf = -1;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment file = Mmap.mapShared(memfd, 0, 4 * page, arena);
            file.set(ValueLayout.JAVA_LONG, page, 0x1122334455667788L);
            dmabuf = Udmabuf.create(memfd, page, 2 * page);
            assertTrue(Fds.isDmabuf(dmabuf));
            assertEquals(2 * page, Fds.fileSize(dmabuf));
            MemorySegment view = Mmap.mapShared(dmabuf, 0, 2 * page, arena);
            assertEquals(0x1122334455667788L, view.get(ValueLayout.JAVA_LONG, 0)); // the same pages
        } finally {
            Fds.close(dmabuf);
            Fds.close(memfd);
        }
        assertEquals(before, Fds.openCount());
    }

    @Test
    void shouldFailWithEinvalWhenMemfdNotSealedAndDeviceAvailable() {
        UdmabufSupport.assumeAvailable();
        int memfd = Memfd.create("udmabuf-unsealed", Mmap.pageSize());
        try {
            SysException e = assertThrows(SysException.class, () -> Udmabuf.create(memfd, 0, Mmap.pageSize()));
            assertEquals("ioctl", e.call());
            assertEquals(Errno.EINVAL, e.errno());
        } finally {
            Fds.close(memfd);
        }
    }
}
