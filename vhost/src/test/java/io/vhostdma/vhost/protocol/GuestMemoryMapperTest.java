package io.vhostdma.vhost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.internal.sys.Udmabuf;
import io.vhostdma.vhost.internal.sys.UdmabufSupport;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class GuestMemoryMapperTest {
    private static final long PAGE = Mmap.pageSize();
    private static final long GPA = 0x100000L;
    private static final long UVA = 0x7f0000000000L;

    /** A SET_MEM_TABLE message: region i is {@code size} bytes at file offset {@code offset} of {@code fds[i]}. */
    private static Message memTable(Arena arena, long size, long offset, int... fds) {
        int bytes = MemoryRegionLayout.TABLE_HEADER_BYTES + MemoryRegionLayout.BYTES * fds.length;
        MemorySegment p = arena.allocate(bytes, 8);
        p.set(ValueLayout.JAVA_INT, 0, fds.length);
        for (int i = 0; i < fds.length; i++) {
            long r = MemoryRegionLayout.TABLE_HEADER_BYTES + (long) MemoryRegionLayout.BYTES * i;
            p.set(ValueLayout.JAVA_LONG, r + MemoryRegionLayout.GPA, GPA + i * size);
            p.set(ValueLayout.JAVA_LONG, r + MemoryRegionLayout.SIZE, size);
            p.set(ValueLayout.JAVA_LONG, r + MemoryRegionLayout.UVA, UVA + i * size);
            p.set(ValueLayout.JAVA_LONG, r + MemoryRegionLayout.MMAP_OFFSET, offset);
        }
        return new Message(Request.SET_MEM_TABLE, 1, p, bytes, fds, fds.length);
    }

    private static GuestMemory map(Arena arena, long size, long offset, int... fds) {
        Message m = memTable(arena, size, offset, fds);
        return GuestMemoryMapper.map(MemoryTable.decode(m), m);
    }

    /** Writes {@code value} at file offset {@code at} of {@code fd} through a temporary mapping. */
    private static void poke(int fd, long length, long at, long value) {
        try (Arena a = Arena.ofConfined()) {
            Mmap.mapShared(fd, 0, length, a).set(ValueLayout.JAVA_LONG, at, value);
        }
    }

    @Test
    void shouldMapAsExternalMemoryWithoutLeakingFdsWhenRegionFdsArePlainMemfds() {
        int baseline = Fds.openCount();
        int a = Memfd.create("plain-a", 3 * PAGE);
        int b = Memfd.create("plain-b", 3 * PAGE);
        poke(a, 3 * PAGE, PAGE, 0xa1L);
        poke(b, 3 * PAGE, PAGE, 0xb1L);
        try (Arena arena = Arena.ofConfined(); GuestMemory memory = map(arena, 2 * PAGE, PAGE, a, b)) {
            assertEquals(baseline, Fds.openCount()); // both memfds closed once mapped
            assertEquals(0, memory.dmabufCount());
            for (int i = 0; i < 2; i++) {
                GuestRegion r = memory.region(i);
                assertFalse(r.isDmabuf());
                assertEquals(-1, r.dmabufFd());
                assertEquals(0, r.dmabufOffset());
                assertEquals("external", r.kind());
                assertFalse(r.fixedSize(), "an unsealed memfd can shrink under the mapping");
            }
            assertFalse(memory.fixedSize());
            assertEquals(0xa1L, memory.segment(0).get(ValueLayout.JAVA_LONG, 0)); // base = mapping + mmap_offset
            assertEquals(0xb1L, memory.segment(1).get(ValueLayout.JAVA_LONG, 0));
        }
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldRegisterSealedMemfdAsDmabufOnlyWhenUdmabufAvailable() {
        int baseline = Fds.openCount();
        int fd = Memfd.createSealed("sealed-either", 2 * PAGE);
        try (Arena arena = Arena.ofConfined(); GuestMemory memory = map(arena, 2 * PAGE, 0, fd)) {
            assertEquals(Udmabuf.available(), memory.region(0).isDmabuf());
            assertTrue(memory.region(0).fixedSize() && memory.fixedSize(), "sealed with F_SEAL_SHRINK: fixed size");
            assertEquals(baseline + memory.dmabufCount(), Fds.openCount());
        }
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldRegisterSealedMemfdAsUdmabufAndCloseItWithTheTableWhenDeviceAvailable() {
        UdmabufSupport.assumeAvailable();
        int baseline = Fds.openCount();
        int fd = Memfd.createSealed("sealed", 3 * PAGE);
        poke(fd, 3 * PAGE, PAGE, 0x5eaL);
        int dmabuf;
        try (Arena arena = Arena.ofConfined(); GuestMemory memory = map(arena, 2 * PAGE, PAGE, fd)) {
            GuestRegion r = memory.region(0);
            assertTrue(r.isDmabuf());
            assertEquals("dmabuf", r.kind());
            assertEquals(1, memory.dmabufCount());
            assertEquals(PAGE, r.dmabufOffset());
            dmabuf = r.dmabufFd();
            assertTrue(Fds.isDmabuf(dmabuf));
            assertEquals(3 * PAGE, Fds.fileSize(dmabuf)); // the whole mapping, from file offset 0
            assertEquals(baseline + 1, Fds.openCount()); // memfd closed, udmabuf kept
            try (Arena view = Arena.ofConfined()) {
                MemorySegment d = Mmap.mapShared(dmabuf, 0, 3 * PAGE, view);
                assertEquals(0x5eaL, d.get(ValueLayout.JAVA_LONG, r.dmabufOffset()));
            }
        }
        assertFalse(Fds.isDmabuf(dmabuf));
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldKeepRegionFdAsDmabufWhenFrontEndSendsADmabuf() {
        UdmabufSupport.assumeAvailable();
        int baseline = Fds.openCount();
        int memfd = Memfd.createSealed("exported", 2 * PAGE);
        int dmabuf = Udmabuf.create(memfd, 0, 2 * PAGE);
        Fds.close(memfd);
        try (Arena arena = Arena.ofConfined(); GuestMemory memory = map(arena, PAGE, PAGE, dmabuf)) {
            GuestRegion r = memory.region(0);
            assertEquals(dmabuf, r.dmabufFd());
            assertEquals(PAGE, r.dmabufOffset());
            assertEquals(baseline + 1, Fds.openCount());
        }
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldCloseEveryFdWhenARegionCannotBeMapped() {
        int baseline = Fds.openCount();
        int good = Memfd.createSealed("good", 2 * PAGE);
        int small = Memfd.create("too-small", PAGE);
        try (Arena arena = Arena.ofConfined()) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> map(arena, 2 * PAGE, 0, good, small));
            assertTrue(e.getMessage().contains("region beyond end of file"), e.getMessage());
        }
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldRefuseARegionBeforeTouchingItWhenItsFdIsNotSharedMemory() {
        // a file of another file system (FUSE served by the front end) could block fstat or a page fault:
        // only memfd/tmpfs/hugetlbfs files and dma-bufs are taken, judged from kernel state alone
        int baseline = Fds.openCount();
        int good = Memfd.create("good", 2 * PAGE);
        int other = io.vhostdma.vhost.internal.sys.EventFd.create();
        try (Arena arena = Arena.ofConfined()) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> map(arena, 2 * PAGE, 0, good, other));
            assertEquals(ProtocolException.Kind.BAD_FDS, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("memory region is not shared memory (memfd, tmpfs or hugetlbfs) or a"
                    + " dma-buf: region=1 fd-kind=anon_inode:[eventfd]"), e.getMessage());
        }
        assertEquals(baseline, Fds.openCount());
    }

    @Test
    void shouldAcceptOnlyShrinkSealedWritableMemfdsWhenJudgingSeals() {
        assertFalse(GuestMemoryMapper.udmabufSealed(-1));
        assertFalse(GuestMemoryMapper.udmabufSealed(0));
        assertFalse(GuestMemoryMapper.udmabufSealed(Memfd.F_SEAL_GROW));
        assertTrue(GuestMemoryMapper.udmabufSealed(Memfd.F_SEAL_SHRINK));
        assertTrue(GuestMemoryMapper.udmabufSealed(Memfd.F_SEAL_SHRINK | Memfd.F_SEAL_GROW | Memfd.F_SEAL_SEAL));
        assertFalse(GuestMemoryMapper.udmabufSealed(Memfd.F_SEAL_SHRINK | Memfd.F_SEAL_WRITE));
        assertFalse(GuestMemoryMapper.udmabufSealed(Memfd.F_SEAL_SHRINK | Memfd.F_SEAL_FUTURE_WRITE));
    }
}
