package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Memfd;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.internal.sys.Udmabuf;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a validated {@link MemoryTable} the way DPDK and libvhost-user do: for each region,
 * {@code mmap_offset + size} bytes from file offset 0, rounded up to the fd's block size (hugetlbfs
 * needs whole pages), MAP_SHARED read/write, into one new shared {@link Arena}; the region's base is
 * {@code mapping + mmap_offset}. A region reaching past the end of its file is refused (touching it
 * would raise SIGBUS).
 *
 * <p>Each region also gets its registration kind for the DMA layer, decided before its fd is closed:
 * <ul>
 *   <li>the fd is a dma-buf: it is kept as the region's dma-buf ({@code dmabufOffset = mmap_offset});</li>
 *   <li>{@code /dev/udmabuf} is usable and the fd is a memfd sealed with F_SEAL_SHRINK but not F_SEAL_WRITE or
 *       F_SEAL_FUTURE_WRITE: a udmabuf over the whole mapping ({@code [0, mapped length)}) becomes the region's
 *       dma-buf ({@code dmabufOffset = mmap_offset}); if the kernel refuses, one WARNING line is logged and the
 *       region is external memory — the connection never fails for this;</li>
 *   <li>otherwise the region is external memory.</li>
 * </ul>
 * Every fd not kept as a dma-buf is closed once mapped: the mappings keep the memory alive. Kept dma-buf fds belong to
 * the returned {@link GuestMemory}, which closes them; on failure nothing stays open.
 */
final class GuestMemoryMapper {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.vhost.protocol");
    private static final int UDMABUF_DENIED_SEALS = Memfd.F_SEAL_WRITE | Memfd.F_SEAL_FUTURE_WRITE;

    private GuestMemoryMapper() {
    }

    static GuestMemory map(MemoryTable table, Message m) {
        Arena arena = Arena.ofShared();
        List<GuestRegion> regions = new ArrayList<>(table.regions().size());
        try {
            for (int i = 0; i < table.regions().size(); i++) {
                regions.add(region(m.request(), i, table.regions().get(i), m.takeFd(i), arena));
            }
            return GuestMemory.of(regions, arena);
        } catch (RuntimeException e) {
            arena.close();
            int[] dmabufs = new int[regions.size()];
            for (int i = 0; i < dmabufs.length; i++) {
                dmabufs[i] = regions.get(i).dmabufFd();
            }
            Fds.closeAll(dmabufs, dmabufs.length);
            throw e;
        }
    }

    /** Maps one region and settles its kind; {@code fd} is closed or owned by the result, whatever happens. */
    private static GuestRegion region(int request, int i, MemoryTable.Region r, int fd, Arena arena) {
        int kept = -1;
        try {
            MemorySegment mapping = mapRegion(request, i, r, fd, arena);
            kept = dmabufOf(i, fd, mapping.byteSize());
            return new GuestRegion(r.gpa(), r.size(), r.uva(), mapping.asSlice(r.mmapOffset(), r.size()),
                    kept, kept >= 0 ? r.mmapOffset() : 0);
        } catch (RuntimeException e) {
            if (kept != fd) {
                Fds.close(kept); // a udmabuf made for this region (or -1)
            }
            kept = -1; // fd itself is closed below, once
            throw e;
        } finally {
            if (kept != fd) {
                Fds.close(fd);
            }
        }
    }

    /** The whole mapping of the region's fd: from file offset 0, {@code mmap_offset + size} rounded up to a block. */
    private static MemorySegment mapRegion(int request, int i, MemoryTable.Region r, int fd, Arena arena) {
        long end = r.mmapOffset() + r.size();
        String ctx = "region=" + i + " fd=" + fd + " mmap-offset=0x" + Long.toHexString(r.mmapOffset())
                + " size=0x" + Long.toHexString(r.size());
        try {
            long fileSize = Fds.fileSize(fd);
            if (fileSize < end) {
                throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, request,
                        "region beyond end of file: " + ctx + " file-size=0x" + Long.toHexString(fileSize));
            }
            long block = Math.max(1, Fds.blockSize(fd));
            long len = Math.addExact(end, block - 1) / block * block;
            return Mmap.mapShared(fd, 0, len, arena);
        } catch (SysException | ArithmeticException | IllegalArgumentException e) {
            throw new ProtocolException(ProtocolException.Kind.MAP_FAILED, request,
                    "cannot map region: " + ctx + " cause=" + e.getMessage(), e);
        }
    }

    /**
     * The dma-buf fd for a region mapped from {@code fd} over {@code [0, mappedLength)}: {@code fd} itself when it is
     * a dma-buf, a new udmabuf when {@code fd} is a suitably sealed memfd and the device is usable, else -1.
     */
    private static int dmabufOf(int i, int fd, long mappedLength) {
        if (Fds.isDmabuf(fd)) {
            return fd;
        }
        if (!Udmabuf.available()) {
            return -1;
        }
        try {
            return udmabufSealed(Fds.seals(fd)) ? Udmabuf.create(fd, 0, mappedLength) : -1;
        } catch (SysException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "udmabuf refused, region registered as external memory: region="
                    + i + " fd=" + fd + " length=0x" + Long.toHexString(mappedLength) + " cause=" + e.getMessage());
            return -1;
        }
    }

    /** Whether memfd seals {@code seals} (-1: not sealable) are what {@code /dev/udmabuf} accepts. */
    static boolean udmabufSealed(int seals) {
        return seals >= 0 && (seals & Memfd.F_SEAL_SHRINK) != 0 && (seals & UDMABUF_DENIED_SEALS) == 0;
    }
}
