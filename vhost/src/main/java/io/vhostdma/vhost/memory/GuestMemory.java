package io.vhostdma.vhost.memory;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An immutable table of at most {@value #MAX_REGIONS} guest memory regions.
 *
 * <p>The table is validated once, at construction: no region is empty, no two regions overlap in guest-physical or
 * in user address space, and no region end overflows 64 bits. Lookups by guest-physical address are
 * allocation-free and try the caller's last hit first.
 *
 * <p>Regions backed by a dma-buf ({@link GuestRegion#isDmabuf()}) hand their fd to the table: {@link #close()} closes
 * it, after unmapping.
 *
 * <p>Thread-safety: immutable; {@link #close()} must only be called once every data-plane user has moved to a newer
 * table.
 */
public final class GuestMemory implements AutoCloseable {

    /** Most regions a table can hold (vhost-user's VHOST_MEMORY_BASELINE_NREGIONS). */
    public static final int MAX_REGIONS = 8;

    /** A table without regions: every lookup misses. */
    public static final GuestMemory EMPTY = new GuestMemory(new GuestRegion[0], null);

    private final GuestRegion[] regions;
    private final long[] gpaBase;
    private final long[] uvaBase;
    private final long[] sizes;
    private final MemorySegment[] segments;
    private final Arena owner;
    private final int dmabufCount;
    private final boolean fixedSize;
    private boolean closed;
    /** Made by {@link #view}: the regions belong to other tables. */
    private final boolean view;

    private GuestMemory(GuestRegion[] regions, Arena owner) {
        this(regions, owner, false);
    }

    private GuestMemory(GuestRegion[] regions, Arena owner, boolean view) {
        this.view = view;
        this.regions = regions;
        this.owner = owner;
        int n = regions.length;
        this.gpaBase = new long[n];
        this.uvaBase = new long[n];
        this.sizes = new long[n];
        this.segments = new MemorySegment[n];
        int dmabufs = 0;
        boolean fixed = true;
        for (int i = 0; i < n; i++) {
            gpaBase[i] = regions[i].gpa();
            uvaBase[i] = regions[i].uva();
            sizes[i] = regions[i].size();
            segments[i] = regions[i].segment();
            dmabufs += regions[i].isDmabuf() ? 1 : 0;
            fixed &= regions[i].fixedSize();
        }
        this.dmabufCount = dmabufs;
        this.fixedSize = fixed;
    }

    /**
     * Builds a validated table.
     *
     * @param regions the regions, 1..{@value #MAX_REGIONS} of them (an empty list gives a table equal to {@link #EMPTY})
     * @param owner   the arena whose close unmaps the regions, or null when the caller keeps ownership
     * @return the table, which now owns the regions' dma-buf fds (on failure the caller still owns them)
     * @throws GuestMemoryException when the table is invalid, including two regions naming the same dma-buf fd
     */
    public static GuestMemory of(List<GuestRegion> regions, Arena owner) {
        if (regions.size() > MAX_REGIONS) {
            throw new GuestMemoryException("too many regions: count=" + regions.size() + " max=" + MAX_REGIONS);
        }
        GuestRegion[] copy = regions.toArray(new GuestRegion[0]);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                throw new GuestMemoryException("region is null: index=" + i);
            }
            for (int j = 0; j < i; j++) {
                checkDisjoint(copy[j], copy[i], j, i);
            }
        }
        return new GuestMemory(copy, owner);
    }

    /**
     * A validated table over regions other tables own (memory slots: each added region is mapped by its own table,
     * and the device's table is a view of all of them): {@link #close()} unmaps nothing and closes no fd.
     *
     * @throws GuestMemoryException when the table is invalid
     */
    public static GuestMemory view(List<GuestRegion> regions) {
        GuestMemory checked = of(regions, null);
        return new GuestMemory(checked.regions, null, true);
    }

    private static void checkDisjoint(GuestRegion a, GuestRegion b, int ia, int ib) {
        if (overlaps(a.gpa(), a.size(), b.gpa(), b.size())) {
            throw new GuestMemoryException("regions overlap in guest-physical space: index=" + ia + " gpa=0x"
                    + Long.toHexString(a.gpa()) + " otherIndex=" + ib + " otherGpa=0x" + Long.toHexString(b.gpa()));
        }
        if (overlaps(a.uva(), a.size(), b.uva(), b.size())) {
            throw new GuestMemoryException("regions overlap in user address space: index=" + ia + " uva=0x"
                    + Long.toHexString(a.uva()) + " otherIndex=" + ib + " otherUva=0x" + Long.toHexString(b.uva()));
        }
        if (a.isDmabuf() && a.dmabufFd() == b.dmabufFd()) {
            throw new GuestMemoryException("regions share a dma-buf fd: index=" + ia + " otherIndex=" + ib
                    + " dmabufFd=" + a.dmabufFd());
        }
    }

    /** Unsigned overlap test of two non-empty ranges whose ends do not overflow. */
    private static boolean overlaps(long s1, long n1, long s2, long n2) {
        return Long.compareUnsigned(s2 - s1, n1) < 0 || Long.compareUnsigned(s1 - s2, n2) < 0;
    }

    /** Number of regions. */
    public int regionCount() {
        return regions.length;
    }

    /** Number of regions backed by a dma-buf; the others are external memory. */
    public int dmabufCount() {
        return dmabufCount;
    }

    /**
     * Whether no region can shrink under its mapping ({@link GuestRegion#fixedSize()} for every region):
     * the memory may be handed to a DMA engine copying outside the JVM. True for the empty table.
     */
    public boolean fixedSize() {
        return fixedSize;
    }

    /** Region {@code i} as given at construction. */
    public GuestRegion region(int i) {
        return regions[i];
    }

    /** Host mapping of region {@code i} (the region segment, never a slice). */
    public MemorySegment segment(int i) {
        return segments[i];
    }

    /** Guest-physical base of region {@code i}. */
    public long gpaBase(int i) {
        return gpaBase[i];
    }

    /** Size of region {@code i} in bytes. */
    public long size(int i) {
        return sizes[i];
    }

    /**
     * Finds the region holding guest-physical address {@code gpa}. Allocation-free.
     *
     * @param hint region to try first (the caller's last hit); any value is accepted
     * @return the region index, or -1 when no region holds {@code gpa}
     */
    public int regionOfGpa(long gpa, int hint) {
        if (hint >= 0 && hint < sizes.length && Long.compareUnsigned(gpa - gpaBase[hint], sizes[hint]) < 0) {
            return hint;
        }
        for (int i = 0; i < sizes.length; i++) {
            if (Long.compareUnsigned(gpa - gpaBase[i], sizes[i]) < 0) {
                return i;
            }
        }
        return -1;
    }

    /** Finds the region holding user address {@code uva}; -1 when none. */
    public int regionOfUva(long uva) {
        for (int i = 0; i < sizes.length; i++) {
            if (Long.compareUnsigned(uva - uvaBase[i], sizes[i]) < 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Bytes available in the region holding {@code gpa}, from {@code gpa} to the region end.
     *
     * @param region a region index returned by {@link #regionOfGpa(long, int)} for {@code gpa}
     */
    public long bytesToRegionEnd(int region, long gpa) {
        return sizes[region] - (gpa - gpaBase[region]);
    }

    /**
     * Host view of {@code len} bytes at user address {@code uva}, for ring parts (control plane; allocates a slice).
     *
     * @return the slice, or null when {@code len <= 0} or the range is not fully inside ONE region
     */
    public MemorySegment uvaSlice(long uva, long len) {
        int r = regionOfUva(uva);
        if (r < 0 || len <= 0) {
            return null;
        }
        long off = uva - uvaBase[r];
        if (Long.compareUnsigned(len, sizes[r] - off) > 0) {
            return null;
        }
        return segments[r].asSlice(off, len);
    }

    /**
     * Closes the owning arena (unmapping the regions) if there is one, then every region's dma-buf fd. Idempotent:
     * the fds are closed exactly once, so a later call cannot close an fd number the process has reused.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (view) {
            return;
        }
        try {
            if (owner != null && owner.scope().isAlive()) {
                owner.close();
            }
        } finally {
            closeDmabufs();
        }
    }

    private void closeDmabufs() {
        for (GuestRegion r : regions) {
            if (r.isDmabuf()) {
                try {
                    Fds.close(r.dmabufFd());
                } catch (SysException e) {
                    System.getLogger("io.vhostdma.vhost.memory").log(System.Logger.Level.WARNING,
                            "cannot close dma-buf: gpa=0x" + Long.toHexString(r.gpa()) + " cause=" + e.getMessage());
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GuestMemory[");
        for (int i = 0; i < regions.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("gpa=0x").append(Long.toHexString(gpaBase[i]))
                    .append(" uva=0x").append(Long.toHexString(uvaBase[i])).append(" size=").append(sizes[i])
                    .append(" kind=").append(regions[i].kind());
        }
        return sb.append(']').toString();
    }
}
