package io.vhostdma.vhost.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import java.nio.file.Path;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class GuestMemoryImageTest {
    @Test
    void shouldUseMappingAddressAsGpaWhenSingleRegion() {
        try (GuestMemoryImage m = GuestMemoryImage.create(1 << 20, 1)) {
            assertEquals(m.userAddr(0), m.guestPhysAddr(0));
            long gpa = m.allocate(100, 4096);
            assertEquals(m.userAddr(0), gpa);
            assertEquals(gpa, m.userAddrOf(gpa));
        }
    }

    @Test
    void shouldMoveToNextRegionWhenAllocationDoesNotFit() {
        try (GuestMemoryImage m = GuestMemoryImage.create(2 << 20, 2)) {
            assertEquals(0, m.guestPhysAddr(0));
            assertEquals(1 << 20, m.guestPhysAddr(1));
            long a = m.allocate(600_000, 64);
            long b = m.allocate(600_000, 4096);
            assertEquals(0, a);
            assertEquals(1 << 20, b, "second block starts region 1");
            assertEquals(1, m.regionOf(b));
            assertEquals(0, m.offsetOf(b));
            m.segmentOf(b, 8).set(ValueLayout.JAVA_LONG, m.offsetOf(b), 42L);
            assertEquals(42L, m.regionSegment(1).get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IllegalArgumentException.class, () -> m.segmentOf((1 << 20) - 4, 8), "straddles regions");
            assertThrows(FrontendException.class, () -> m.allocate(600_000, 64));
        }
    }

    @Test
    void shouldWriteOneTableEntryPerRegionWhenBuildingMemTable() {
        try (GuestMemoryImage m = GuestMemoryImage.create(3 << 20, 3)) {
            MemorySegment p = MemorySegment.ofArray(new byte[8 + 32 * 3]);
            assertEquals(8 + 32 * 3, m.writeMemTable(p, 0));
            assertEquals(3, p.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            for (int i = 0; i < 3; i++) {
                long r = 8 + 32L * i;
                assertEquals((long) i << 20, p.get(ValueLayout.JAVA_LONG_UNALIGNED, r));
                assertEquals(1L << 20, p.get(ValueLayout.JAVA_LONG_UNALIGNED, r + 8));
                assertEquals(m.userAddr(i), p.get(ValueLayout.JAVA_LONG_UNALIGNED, r + 16));
                assertEquals(0L, p.get(ValueLayout.JAVA_LONG_UNALIGNED, r + 24));
            }
        }
    }

    @Test
    void shouldCloseMemfdsAndUnmapWhenClosed() {
        GuestMemoryImage m = GuestMemoryImage.create(1 << 20, 2);
        int fd = m.fd(1);
        assertEquals(true, Fds.isOpen(fd));
        m.close();
        assertThrows(IllegalStateException.class, () -> m.regionSegment(0).get(ValueLayout.JAVA_BYTE, 0));
        m.close();
    }

    @Test
    void shouldSealMemfdsWhenCreatedSealedAndLeaveThemUnsealedOtherwise() {
        try (GuestMemoryImage sealed = GuestMemoryImage.create(1 << 20, 2, true);
                GuestMemoryImage plain = GuestMemoryImage.create(1 << 20, 2)) {
            for (int i = 0; i < 2; i++) {
                assertEquals(Memfd.F_SEAL_SHRINK | Memfd.F_SEAL_GROW, Fds.seals(sealed.fd(i)));
                assertEquals(0, Fds.seals(plain.fd(i)));
            }
            long gpa = sealed.allocate(64, 64);
            sealed.segmentOf(gpa, 64).set(ValueLayout.JAVA_LONG, sealed.offsetOf(gpa), 7L); // still writable
            assertEquals(7L, sealed.segmentOf(gpa, 64).get(ValueLayout.JAVA_LONG, sealed.offsetOf(gpa)));
        }
    }

    @Test
    void shouldCarrySealedMemoryOptionWhenBuilt() {
        assertEquals(false, FrontendOptions.builder(Path.of("s")).build().sealedMemory());
        assertEquals(true, FrontendOptions.builder(Path.of("s")).sealedMemory(true).build().sealedMemory());
    }
}
