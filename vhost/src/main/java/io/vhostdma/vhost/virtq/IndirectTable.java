package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where an indirect descriptor table is read from: in place when it lies inside one region, else a copy in a
 * scratch table (piece by piece across regions). Control-plane sized ({@link #reserve}), allocation-free after.
 * Owned by the ring's owner thread. Used by {@link SplitVirtqueue} and {@link PackedVirtqueue} (fact sheet §13
 * check 6).
 */
final class IndirectTable {
    private MemorySegment scratch;
    private MemorySegment table;
    private long base;

    /** Makes room for a table of {@code entries} 16-byte descriptors (control plane; allocates). */
    void reserve(int entries) {
        long bytes = 16L * entries;
        if (scratch == null || scratch.byteSize() < bytes) {
            scratch = Arena.ofAuto().allocate(bytes, 16);
        }
    }

    /** The segment the table is read from (valid after a successful {@link #enter}). */
    MemorySegment table() {
        return table;
    }

    /** The offset of entry 0 in {@link #table()}. */
    long base() {
        return base;
    }

    /**
     * Points at the table of {@code len} bytes at guest-physical {@code addr}: {@code len} non-zero, a multiple of
     * 16, at most {@code maxEntries} entries, inside guest memory.
     *
     * @return {@link PathStatus#OK}, {@link PathStatus#ERR_INDIRECT} or {@link PathStatus#ERR_ADDRESS}
     */
    int enter(GuestMemory mem, long addr, long len, int maxEntries) {
        if (len == 0 || len % 16 != 0 || len / 16 > maxEntries) {
            return PathStatus.ERR_INDIRECT;
        }
        if (Long.compareUnsigned(addr + len, addr) <= 0) {
            return PathStatus.ERR_ADDRESS;
        }
        int r = mem.regionOfGpa(addr, 0);
        if (r < 0) {
            return PathStatus.ERR_ADDRESS;
        }
        if (mem.bytesToRegionEnd(r, addr) >= len) {
            table = mem.segment(r);
            base = addr - mem.gpaBase(r);
            return PathStatus.OK;
        }
        return copy(mem, addr, len);
    }

    /**
     * Walks the packed table of {@code len} bytes just {@link #enter}ed: its entries in order (NEXT and ids are
     * ignored, WRITE counts, INDIRECT inside is refused), each counted against {@code budget}.
     */
    int walkPacked(GuestMemory mem, long len, WalkBudget budget, DescriptorChain out) {
        int entries = (int) (len / PackedRingLayout.DESC_SIZE);
        for (int i = 0; i < entries; i++) {
            out.countDescriptor();
            long off = base + i * PackedRingLayout.DESC_SIZE;
            // plain reads: the table was written before the driver released the head's flags (a copy: read once)
            long a = table.get(SplitRingLayout.U64_PLAIN, off + PackedRingLayout.DESC_ADDR);
            long l = table.get(SplitRingLayout.U32_PLAIN, off + PackedRingLayout.DESC_LEN) & 0xFFFF_FFFFL;
            int f = table.get(SplitRingLayout.U16_PLAIN, off + PackedRingLayout.DESC_FLAGS) & 0xFFFF;
            int rc = budget.descriptor(l, false);
            if (rc == PathStatus.OK) {
                rc = (f & PackedRingLayout.F_INDIRECT) != 0 ? PathStatus.ERR_INDIRECT
                        : out.addBuffer(mem, a, l, (f & PackedRingLayout.F_WRITE) != 0);
            }
            if (rc != PathStatus.OK) {
                return rc;
            }
        }
        return PathStatus.OK;
    }

    /** Copies a table that spans regions into the scratch table (a snapshot: each entry then read once). */
    private int copy(GuestMemory mem, long addr, long len) {
        long done = 0;
        int hint = 0;
        while (done < len) {
            long gpa = addr + done;
            int r = mem.regionOfGpa(gpa, hint);
            if (r < 0) {
                return PathStatus.ERR_ADDRESS;
            }
            hint = r;
            long piece = Math.min(len - done, mem.bytesToRegionEnd(r, gpa));
            MemorySegment.copy(mem.segment(r), gpa - mem.gpaBase(r), scratch, done, piece);
            done += piece;
        }
        table = scratch;
        base = 0;
        return PathStatus.OK;
    }
}
