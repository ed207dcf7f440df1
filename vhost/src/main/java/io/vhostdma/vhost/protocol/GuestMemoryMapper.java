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
 *   <li>an fd that is neither a dma-buf nor shared memory the kernel serves itself (memfd, tmpfs or hugetlbfs)
 *       is refused ({@code BAD_FDS}) before it is touched: another file system's file could block vhostd;</li>
 *   <li>the fd is a dma-buf: it is kept as the region's dma-buf ({@code dmabufOffset = mmap_offset});</li>
 *   <li>{@code /dev/udmabuf} is usable and the fd is a memfd sealed with F_SEAL_SHRINK but not F_SEAL_WRITE or
 *       F_SEAL_FUTURE_WRITE: a udmabuf over the whole mapping ({@code [0, mapped length)}) becomes the region's
 *       dma-buf ({@code dmabufOffset = mmap_offset}); if the kernel refuses, one WARNING line is logged and the
 *       region is external memory — the connection never fails for this;</li>
 *   <li>otherwise the region is external memory, and one INFO line says why (no usable {@code /dev/udmabuf}, or
 *       the seals, e.g. {@code seals=0x0 (not sealed against shrinking)}).</li>
 * </ul>
 * Each region also records whether its size is fixed ({@link GuestRegion#fixedSize()}: a dma-buf, or a memfd sealed
 * with F_SEAL_SHRINK), which decides whether a DMA engine copying outside the JVM may be handed it.
 * Every fd not kept as a dma-buf is closed once mapped: the mappings keep the memory alive. Kept dma-buf fds belong to
 * the returned {@link GuestMemory}, which closes them; on failure nothing stays open.
 */
final class GuestMemoryMapper {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.vhost.protocol");
    private static final int UDMABUF_DENIED_SEALS = Memfd.F_SEAL_WRITE | Memfd.F_SEAL_FUTURE_WRITE;

    private GuestMemoryMapper() {
    }

    static GuestMemory map(MemoryTable table, Message m) {
        return map(table, m, "-");
    }

    /** Maps {@code table}'s regions; {@code port} names the port in log lines. */
    static GuestMemory map(MemoryTable table, Message m, String port) {
        Arena arena = Arena.ofShared();
        List<GuestRegion> regions = new ArrayList<>(table.regions().size());
        try {
            for (int i = 0; i < table.regions().size(); i++) {
                regions.add(region(m.request(), port, i, table.regions().get(i), m.takeFd(i), arena));
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
    private static GuestRegion region(int request, String port, int i, MemoryTable.Region r, int fd, Arena arena) {
        int kept = -1;
        try {
            boolean dmabuf = Fds.isDmabuf(fd);
            int seals = dmabuf ? -1 : Fds.seals(fd);
            if (!dmabuf && seals < 0) {
                throw notSharedMemory(request, i, fd);
            }
            MemorySegment mapping = mapRegion(request, i, r, fd, arena);
            kept = dmabuf ? fd : udmabufOf(port, i, fd, seals, mapping.byteSize());
            boolean fixedSize = kept >= 0 || (seals >= 0 && (seals & Memfd.F_SEAL_SHRINK) != 0);
            return new GuestRegion(r.gpa(), r.size(), r.uva(), mapping.asSlice(r.mmapOffset(), r.size()),
                    kept, kept >= 0 ? r.mmapOffset() : 0, fixedSize);
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

    /**
     * A region fd that is neither shared memory the kernel serves itself (memfd, tmpfs or hugetlbfs: the files
     * {@code F_GET_SEALS} answers for) nor a dma-buf is refused before anything touches it: a file of another file
     * system could block the event loop in {@code fstat} and a worker in a page fault (a FUSE file served by the
     * front end itself, for one). Both checks read kernel state only, never the file's own file system.
     */
    private static ProtocolException notSharedMemory(int request, int i, int fd) {
        return new ProtocolException(ProtocolException.Kind.BAD_FDS, request, "memory region is not shared memory"
                + " (memfd, tmpfs or hugetlbfs) or a dma-buf: region=" + i + " fd-kind=" + Fds.describe(fd));
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
     * A udmabuf over {@code [0, mappedLength)} of memfd {@code fd} (seals {@code seals}, -1: not sealable) when the
     * device is usable and the seals qualify, else -1 after one INFO line saying why the region stays external memory.
     */
    private static int udmabufOf(String port, int i, int fd, int seals, long mappedLength) {
        if (!Udmabuf.available()) {
            LOG.log(System.Logger.Level.INFO, "region registered as external memory: port=" + port + " region=" + i
                    + " reason=udmabuf unavailable (" + Udmabuf.unavailableReason() + ")");
            return -1;
        }
        if (!udmabufSealed(seals)) {
            LOG.log(System.Logger.Level.INFO, "region registered as external memory: port=" + port + " region=" + i
                    + " reason=seals="
                    + (seals < 0 ? "none (not a sealable memfd)" : "0x" + Integer.toHexString(seals)) + " (udmabuf needs "
                    + "F_SEAL_SHRINK without F_SEAL_WRITE/F_SEAL_FUTURE_WRITE)");
            return -1;
        }
        try {
            return Udmabuf.create(fd, 0, mappedLength);
        } catch (SysException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "udmabuf refused, region registered as external memory: port=" + port
                    + " region=" + i + " fd=" + fd + " length=0x" + Long.toHexString(mappedLength) + " cause=" + e.getMessage()
                    + " (the size limit is the kernel parameter udmabuf.size_limit_mb)");
            return -1;
        }
    }

    /** Whether memfd seals {@code seals} (-1: not sealable) are what {@code /dev/udmabuf} accepts. */
    static boolean udmabufSealed(int seals) {
        return seals >= 0 && (seals & Memfd.F_SEAL_SHRINK) != 0 && (seals & UDMABUF_DENIED_SEALS) == 0;
    }
}
