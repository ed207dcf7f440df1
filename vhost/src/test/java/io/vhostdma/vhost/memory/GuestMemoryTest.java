package io.vhostdma.vhost.memory;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestMemoryTest {

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void closeArena() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private GuestRegion region(long gpa, long size, long uva) {
        return new GuestRegion(gpa, size, uva, arena.allocate(size, 8));
    }

    @Test
    void shouldFindRegionByGpaWhenHintIsWrongOrRight() {
        GuestMemory mem = GuestMemory.of(List.of(region(0, 4096, 0x10000), region(0x100000, 4096, 0x20000)), null);
        assertEquals(1, mem.regionOfGpa(0x100010, 0));
        assertEquals(1, mem.regionOfGpa(0x100010, 1));
        assertEquals(0, mem.regionOfGpa(4095, 7));
        assertEquals(-1, mem.regionOfGpa(4096, 0));
        assertEquals(-1, mem.regionOfGpa(-1L, -3));
        assertEquals(0, mem.regionOfUva(0x10000));
        assertEquals(-1, mem.regionOfUva(0x20000 + 4096));
        assertEquals(16, mem.bytesToRegionEnd(0, 4080));
    }

    @Test
    void shouldSliceUvaOnlyWhenRangeFitsOneRegion() {
        GuestMemory mem = GuestMemory.of(List.of(region(0, 4096, 0x10000), region(4096, 4096, 0x11000)), null);
        mem.segment(0).set(ValueLayout.JAVA_BYTE, 100, (byte) 42);
        MemorySegment s = mem.uvaSlice(0x10000 + 100, 16);
        assertEquals(42, s.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(16, s.byteSize());
        assertEquals(4096, mem.uvaSlice(0x10000, 4096).byteSize());
        // adjacent in UVA, but a ring part must be inside ONE region
        assertNull(mem.uvaSlice(0x10000 + 4090, 16));
        assertNull(mem.uvaSlice(0x5000, 16));
        assertNull(mem.uvaSlice(0x10000, 0));
        assertNull(mem.uvaSlice(0x10000, Long.MAX_VALUE));
    }

    @Test
    void shouldRejectOverlapInGpaWhenTableIsBuilt() {
        var ex = assertThrows(GuestMemoryException.class,
                () -> GuestMemory.of(List.of(region(0, 8192, 0x10000), region(4096, 4096, 0x90000)), null));
        assertTrue(ex.getMessage().contains("guest-physical"), ex.getMessage());
    }

    @Test
    void shouldRejectOverlapInUvaWhenTableIsBuilt() {
        var ex = assertThrows(GuestMemoryException.class,
                () -> GuestMemory.of(List.of(region(0, 4096, 0x10000), region(0x100000, 4096, 0x10800)), null));
        assertTrue(ex.getMessage().contains("user address"), ex.getMessage());
    }

    @Test
    void shouldRejectOverflowEmptyAndMismatchedRegions() {
        MemorySegment seg = arena.allocate(4096);
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(-4096L + 1, 4096, 0, seg));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 4096, -1L, seg));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 0, 0, seg.asSlice(0, 0)));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 2048, 0, seg));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 4096, 0, null));
    }

    @Test
    void shouldRejectMoreThanEightRegions() {
        List<GuestRegion> list = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            list.add(region(i * 8192L, 4096, 0x100000 + i * 8192L));
        }
        assertThrows(GuestMemoryException.class, () -> GuestMemory.of(list, null));
        assertEquals(8, GuestMemory.of(list.subList(0, 8), null).regionCount());
    }

    @Test
    void shouldMissEveryLookupWhenEmpty() {
        assertEquals(0, GuestMemory.EMPTY.regionCount());
        assertEquals(-1, GuestMemory.EMPTY.regionOfGpa(0, 0));
        assertNull(GuestMemory.EMPTY.uvaSlice(0, 1));
        GuestMemory.EMPTY.close();
    }

    @Test
    void shouldCloseOwnerArenaWhenClosed() {
        Arena owner = Arena.ofShared();
        MemorySegment seg = owner.allocate(4096);
        GuestMemory mem = GuestMemory.of(List.of(new GuestRegion(0, 4096, 0x1000, seg)), owner);
        mem.close();
        assertFalse(owner.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
        mem.close();
    }

    @Test
    void shouldCloseDmabufFdsExactlyOnceWhenClosedTwice() {
        int baseline = Fds.openCount();
        int fd = Memfd.create("stand-in-for-a-dmabuf", 4096); // the table closes whatever fd it is handed
        GuestMemory mem = GuestMemory.of(List.of(new GuestRegion(0, 4096, 0x1000, arena.allocate(4096), fd, 64),
                region(0x10000, 4096, 0x20000)), null);
        assertEquals(1, mem.dmabufCount());
        assertTrue(mem.region(0).isDmabuf());
        assertEquals("dmabuf", mem.region(0).kind());
        assertEquals("external", mem.region(1).kind());
        assertTrue(mem.toString().contains("kind=dmabuf"), mem.toString());
        mem.close();
        assertEquals(baseline, Fds.openCount());
        int reused = Memfd.create("takes-the-freed-number", 4096);
        try {
            mem.close();
            assertTrue(Fds.isOpen(reused)); // a second close did not close the reused number
        } finally {
            Fds.close(reused);
        }
    }

    @Test
    void shouldRefuseTableWhenTwoRegionsShareADmabufFd() {
        List<GuestRegion> regions = List.of(new GuestRegion(0, 4096, 0x1000, arena.allocate(4096), 7, 0),
                new GuestRegion(0x10000, 4096, 0x20000, arena.allocate(4096), 7, 4096));
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> GuestMemory.of(regions, null));
        assertTrue(e.getMessage().contains("dmabufFd=7"), e.getMessage());
    }

    @Test
    void shouldRefuseRegionWhenDmabufFieldsAreInconsistent() {
        MemorySegment seg = arena.allocate(4096);
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 4096, 0, seg, -2, 0));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 4096, 0, seg, 5, -1));
        assertThrows(GuestMemoryException.class, () -> new GuestRegion(0, 4096, 0, seg, -1, 4096));
        assertEquals(-1, new GuestRegion(0, 4096, 0, seg).dmabufFd());
    }
}
