package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.protocol.MemoryRegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The guest memory a front end owns: one memfd per region, each mapped MAP_SHARED into a shared
 * arena, with guest-physical addresses (GPAs) for descriptors and user addresses (UVAs, the local
 * mapping addresses) for SET_VRING_ADDR, plus a bump allocator for rings and buffers.
 *
 * <p>With one region the GPA equals the UVA, as DPDK virtio-user does. With several regions GPAs
 * are contiguous from 0 (region i starts at {@code i × regionSize}) while UVAs are wherever the
 * kernel mapped each memfd, so a back end that confuses the two address spaces fails visibly.
 * Allocations never straddle regions. Not thread-safe for allocation; reads are.
 *
 * <p>Sealed images ({@link #create(long, int, boolean)}) seal each memfd with F_SEAL_SHRINK | F_SEAL_GROW after
 * sizing it: the back end can then make a udmabuf of it, and the memory stays writable on both sides.
 */
public final class GuestMemoryImage implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int[] fds;
    private final MemorySegment[] segments;
    private final long[] gpaBase;
    private final long regionSize;
    private int allocRegion;
    private long allocOffset;

    private GuestMemoryImage(long totalSize, int regions) {
        this.regionSize = totalSize / regions;
        this.fds = new int[regions];
        this.segments = new MemorySegment[regions];
        this.gpaBase = new long[regions];
        java.util.Arrays.fill(fds, -1);
    }

    /** Creates {@code regions} unsealed memfds of {@code totalSize / regions} bytes each and maps them. */
    public static GuestMemoryImage create(long totalSize, int regions) {
        return create(totalSize, regions, false);
    }

    /**
     * Creates {@code regions} memfds of {@code totalSize / regions} bytes each, sealed with F_SEAL_SHRINK |
     * F_SEAL_GROW when {@code sealed}, and maps them.
     */
    public static GuestMemoryImage create(long totalSize, int regions, boolean sealed) {
        if (regions < 1 || regions > MemoryRegionLayout.MAX_REGIONS || totalSize <= 0
                || totalSize % (4096L * regions) != 0) {
            throw new IllegalArgumentException("bad guest memory shape: totalSize=" + totalSize + " regions=" + regions);
        }
        GuestMemoryImage image = new GuestMemoryImage(totalSize, regions);
        try {
            for (int i = 0; i < regions; i++) {
                String name = "vhost-frontend-ram" + i;
                image.fds[i] = sealed ? Memfd.createSealed(name, image.regionSize) : Memfd.create(name, image.regionSize);
                image.segments[i] = Mmap.mapShared(image.fds[i], 0, image.regionSize, image.arena);
                image.gpaBase[i] = regions == 1 ? image.segments[i].address() : i * image.regionSize;
            }
            return image;
        } catch (RuntimeException e) {
            image.close();
            throw e;
        }
    }

    public int regionCount() {
        return fds.length;
    }

    public long regionSize() {
        return regionSize;
    }

    /** The memfd of region {@code i} (owned by this image). */
    public int fd(int i) {
        return fds[i];
    }

    public long guestPhysAddr(int i) {
        return gpaBase[i];
    }

    /** The user address the back end sees for region {@code i}: our local mapping address. */
    public long userAddr(int i) {
        return segments[i].address();
    }

    /** The whole mapping of region {@code i}. */
    public MemorySegment regionSegment(int i) {
        return segments[i];
    }

    /**
     * Reserves {@code size} bytes aligned to {@code align} (a power of two) and returns their GPA.
     * Moves to the next region when the current one is too full.
     */
    public long allocate(long size, long align) {
        if (size <= 0 || size > regionSize || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("bad allocation: size=" + size + " align=" + align
                    + " regionSize=" + regionSize);
        }
        while (allocRegion < fds.length) {
            long start = (allocOffset + align - 1) & -align;
            if (start + size <= regionSize) {
                allocOffset = start + size;
                return gpaBase[allocRegion] + start;
            }
            allocRegion++;
            allocOffset = 0;
        }
        throw new FrontendException("guest memory exhausted: size=" + size + " regions=" + fds.length
                + " regionSize=" + regionSize);
    }

    /** The region the bump allocator is currently filling (allocations so far reach into it). */
    public int allocationRegion() {
        return allocRegion;
    }

    /** Index of the region holding {@code gpa}, or -1. */
    public int regionOf(long gpa) {
        for (int i = 0; i < gpaBase.length; i++) {
            if (gpa - gpaBase[i] >= 0 && gpa - gpaBase[i] < regionSize) {
                return i;
            }
        }
        return -1;
    }

    /** The mapping holding {@code [gpa, gpa + len)}; throws if it is not inside one region. */
    public MemorySegment segmentOf(long gpa, long len) {
        int r = regionOf(gpa);
        if (r < 0 || len < 0 || gpa - gpaBase[r] + len > regionSize) {
            throw new IllegalArgumentException("guest range not in one region: gpa=0x" + Long.toHexString(gpa)
                    + " len=" + len);
        }
        return segments[r];
    }

    /** Offset of {@code gpa} inside {@link #segmentOf(long, long)}'s segment. */
    public long offsetOf(long gpa) {
        int r = regionOf(gpa);
        if (r < 0) {
            throw new IllegalArgumentException("gpa not mapped: gpa=0x" + Long.toHexString(gpa));
        }
        return gpa - gpaBase[r];
    }

    /** The user address (local mapping address) of {@code gpa}. */
    public long userAddrOf(long gpa) {
        int r = regionOf(gpa);
        if (r < 0) {
            throw new IllegalArgumentException("gpa not mapped: gpa=0x" + Long.toHexString(gpa));
        }
        return segments[r].address() + (gpa - gpaBase[r]);
    }

    /**
     * Writes the SET_MEM_TABLE payload ({@code u32 nregions, u32 pad, region[n]}) at
     * {@code payload[offset..]} and returns its size; the region fds go in the same order.
     */
    public int writeMemTable(MemorySegment payload, long offset) {
        payload.set(ValueLayout.JAVA_INT_UNALIGNED, offset, fds.length);
        payload.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4, 0);
        for (int i = 0; i < fds.length; i++) {
            long r = offset + MemoryRegionLayout.TABLE_HEADER_BYTES + (long) MemoryRegionLayout.BYTES * i;
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.GPA, gpaBase[i]);
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.SIZE, regionSize);
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.UVA, userAddr(i));
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED, r + MemoryRegionLayout.MMAP_OFFSET, 0L);
        }
        return MemoryRegionLayout.TABLE_HEADER_BYTES + MemoryRegionLayout.BYTES * fds.length;
    }

    /** Unmaps every region and closes every memfd. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        Fds.closeAll(fds, fds.length);
    }
}
