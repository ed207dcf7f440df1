package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.Mmap;
import io.vhostdma.vhost.internal.sys.SysException;
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
 * would raise SIGBUS). The fds are closed once mapped: the mappings keep the memory alive.
 */
final class GuestMemoryMapper {
    private GuestMemoryMapper() {
    }

    static GuestMemory map(MemoryTable table, Message m) {
        Arena arena = Arena.ofShared();
        List<GuestRegion> regions = new ArrayList<>(table.regions().size());
        try {
            for (int i = 0; i < table.regions().size(); i++) {
                int fd = m.takeFd(i);
                try {
                    regions.add(mapRegion(m.request(), i, table.regions().get(i), fd, arena));
                } finally {
                    Fds.close(fd);
                }
            }
            return GuestMemory.of(regions, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GuestRegion mapRegion(int request, int i, MemoryTable.Region r, int fd, Arena arena) {
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
            MemorySegment mapping = Mmap.mapShared(fd, 0, len, arena);
            return new GuestRegion(r.gpa(), r.size(), r.uva(), mapping.asSlice(r.mmapOffset(), r.size()));
        } catch (SysException | ArithmeticException | IllegalArgumentException e) {
            throw new ProtocolException(ProtocolException.Kind.MAP_FAILED, request,
                    "cannot map region: " + ctx + " cause=" + e.getMessage(), e);
        }
    }
}
