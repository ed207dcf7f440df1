package io.vhostdma.vhost.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of SET_MEM_TABLE: {@code u32 nregions; u32 padding; region[nregions]}
 * ({@link MemoryRegionLayout}), with one fd per region in the same order. Validated: at most 8
 * regions, nregions equal to the fd count, non-empty regions, no 64-bit overflow of
 * {@code gpa + size}, {@code uva + size} or {@code mmap_offset + size}, and no two regions
 * overlapping in guest-physical or user address space.
 */
record MemoryTable(List<Region> regions) {
    /** One region as the front end describes it. */
    record Region(long gpa, long size, long uva, long mmapOffset) {
        boolean sameMapping(Region o) {
            return gpa == o.gpa && size == o.size && uva == o.uva;
        }
    }

    static MemoryTable decode(Message m) {
        if (m.size() < MemoryRegionLayout.TABLE_HEADER_BYTES) {
            throw new ProtocolException(ProtocolException.Kind.BAD_SIZE, m.request(),
                    "payload too short: size=" + m.size());
        }
        long n = Integer.toUnsignedLong(m.payload().get(ValueLayout.JAVA_INT_UNALIGNED, 0));
        if (n == 0 || n > MemoryRegionLayout.MAX_REGIONS) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "region count out of range: nregions=" + n + " max=" + MemoryRegionLayout.MAX_REGIONS);
        }
        m.expectSize(MemoryRegionLayout.TABLE_HEADER_BYTES + (int) n * MemoryRegionLayout.BYTES);
        if (m.fdCount() != n) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, m.request(),
                    "region count differs from fd count: nregions=" + n + " fds=" + m.fdCount());
        }
        List<Region> regions = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            Region r = region(m.payload(), MemoryRegionLayout.TABLE_HEADER_BYTES + (long) i * MemoryRegionLayout.BYTES);
            check(m.request(), i, r);
            for (int j = 0; j < i; j++) {
                checkDisjoint(m.request(), i, r, j, regions.get(j));
            }
            regions.add(r);
        }
        return new MemoryTable(List.copyOf(regions));
    }

    /** Whether {@code other} describes the same regions (mmap offsets and fds aside). */
    boolean sameMapping(MemoryTable other) {
        if (other == null || other.regions.size() != regions.size()) {
            return false;
        }
        for (int i = 0; i < regions.size(); i++) {
            if (!regions.get(i).sameMapping(other.regions.get(i))) {
                return false;
            }
        }
        return true;
    }

    static Region region(MemorySegment p, long off) {
        return new Region(p.get(ValueLayout.JAVA_LONG_UNALIGNED, off + MemoryRegionLayout.GPA),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, off + MemoryRegionLayout.SIZE),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, off + MemoryRegionLayout.UVA),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, off + MemoryRegionLayout.MMAP_OFFSET));
    }

    static void check(int request, int i, Region r) {
        String ctx = "region=" + i + " gpa=0x" + Long.toHexString(r.gpa) + " size=0x" + Long.toHexString(r.size)
                + " uva=0x" + Long.toHexString(r.uva) + " mmap-offset=0x" + Long.toHexString(r.mmapOffset);
        if (r.size <= 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request, "empty or huge region: " + ctx);
        }
        if (r.mmapOffset < 0 || r.mmapOffset + r.size < 0
                || Long.compareUnsigned(r.gpa + r.size, r.gpa) < 0 || Long.compareUnsigned(r.uva + r.size, r.uva) < 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request, "region bounds overflow: " + ctx);
        }
    }

    private static void checkDisjoint(int request, int i, Region a, int j, Region b) {
        if (overlaps(a.gpa, a.size, b.gpa, b.size) || overlaps(a.uva, a.size, b.uva, b.size)) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request,
                    "regions overlap: region=" + i + " other=" + j);
        }
    }

    static boolean overlaps(long a, long aLen, long b, long bLen) {
        return Long.compareUnsigned(a, b + bLen) < 0 && Long.compareUnsigned(b, a + aLen) < 0;
    }
}
