package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Guest memory for the ring fuzz targets (split now, packed later): three 64 KiB regions, 0 and 1
 * adjacent in both GPA and UVA (so a buffer or an indirect table can straddle them, and a ring part
 * crossing them must be refused), 2 far away. The fuzz input is the guest's memory image from
 * GPA 0 on; everything else is zero. Also the model's view of that memory: plain byte reads by GPA
 * or UVA, independent of {@link GuestMemory}'s lookups.
 */
final class FuzzGuestMemory implements AutoCloseable {
    static final long REGION = 64 << 10;
    static final long[] GPA = {0, REGION, 0x4000_0000L};
    static final long[] UVA = {0x7f00_0000_0000L, 0x7f00_0000_0000L + REGION, 0x7f20_0000_0000L};

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] regions = new MemorySegment[GPA.length];
    private final GuestMemory memory;

    FuzzGuestMemory() {
        GuestRegion[] rs = new GuestRegion[GPA.length];
        for (int i = 0; i < rs.length; i++) {
            regions[i] = arena.allocate(REGION, 4096);
            rs[i] = new GuestRegion(GPA[i], REGION, UVA[i], regions[i]);
        }
        memory = GuestMemory.of(List.of(rs), null);
    }

    /** The table the device side reads. */
    GuestMemory memory() {
        return memory;
    }

    /** Zeroes every region, then copies {@code image[from..]} to GPA 0 onwards (regions 0 and 1). */
    void load(byte[] image, int from) {
        for (MemorySegment r : regions) {
            r.fill((byte) 0);
        }
        long n = Math.min(image.length - from, 2 * REGION);
        for (long done = 0; done < n; ) {
            int r = (int) (done / REGION);
            long piece = Math.min(n - done, REGION - done % REGION);
            MemorySegment.copy(image, from + (int) done, regions[r], ValueLayout.JAVA_BYTE, done % REGION, (int) piece);
            done += piece;
        }
    }

    /** The region whose host segment is {@code s}, or -1. */
    int regionOf(MemorySegment s) {
        for (int i = 0; i < regions.length; i++) {
            if (regions[i] == s) {
                return i;
            }
        }
        return -1;
    }

    /** The region holding GPA {@code gpa}, or -1 (a plain search). */
    static int regionOfGpa(long gpa) {
        return find(GPA, gpa);
    }

    /** The region holding UVA {@code uva}, or -1 (a plain search). */
    static int regionOfUva(long uva) {
        return find(UVA, uva);
    }

    private static int find(long[] bases, long a) {
        for (int i = 0; i < bases.length; i++) {
            if (Long.compareUnsigned(a - bases[i], REGION) < 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code [gpa, gpa + len)} is mapped throughout (len ≥ 1, no wrap). */
    boolean gpaMapped(long gpa, long len) {
        for (long a = gpa; Long.compareUnsigned(a, gpa + len) < 0; ) {
            int r = regionOfGpa(a);
            if (r < 0) {
                return false;
            }
            a = GPA[r] + REGION;
        }
        return true;
    }

    /** Little-endian value of {@code bytes} (1..8) bytes at GPA {@code gpa}; every byte must be mapped. */
    long readGpa(long gpa, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            long a = gpa + i;
            int r = regionOfGpa(a);
            v |= (regions[r].get(ValueLayout.JAVA_BYTE, a - GPA[r]) & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Little-endian value at UVA {@code uva}, which must lie in a region. */
    long readUva(long uva, int bytes) {
        int r = regionOfUva(uva);
        return readGpa(GPA[r] + (uva - UVA[r]), bytes);
    }

    @Override
    public void close() {
        arena.close();
    }
}
