package io.vhostdma.dma.memory;

import io.vhostdma.dma.DmaException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Validation of new registrations (the external-memory rules: alignment, page count, overlap). */
final class RegistrationRules {
    private RegistrationRules() {
    }

    static void validate(Domains domains, DomainId domain, MemorySegment memory, long[] iovas, long pageSize) {
        if (!domains.isKnown(domain)) {
            throw new DmaException.InvalidArgument("unknown domain: domain=" + domain);
        }
        if (memory == null || !memory.isNative() || memory.address() == 0) {
            throw new DmaException.InvalidArgument("memory must be a native segment: memory=" + memory);
        }
        long va = memory.address();
        long len = memory.byteSize();
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new DmaException.InvalidArgument("page size not a power of two: pageSize=" + pageSize);
        }
        if (len == 0 || len % pageSize != 0) {
            throw new DmaException.InvalidArgument("length not a multiple of the page size: len=" + len
                + " pageSize=" + pageSize);
        }
        if (va % pageSize != 0) {
            throw new DmaException.InvalidArgument("va not page aligned: va=0x" + Long.toHexString(va)
                + " pageSize=" + pageSize);
        }
        if (len / pageSize > Integer.MAX_VALUE) {
            throw new DmaException.InvalidArgument("too many pages: len=" + len + " pageSize=" + pageSize);
        }
        if (iovas != null) {
            validateIovas(iovas, len / pageSize, pageSize);
        }
    }

    private static void validateIovas(long[] iovas, long pages, long pageSize) {
        if (iovas.length != pages) {
            throw new DmaException.InvalidArgument("iova count differs from page count: iovas=" + iovas.length
                + " pages=" + pages);
        }
        for (int i = 0; i < iovas.length; i++) {
            if (iovas[i] % pageSize != 0 || iovas[i] < 0 || iovas[i] > Long.MAX_VALUE - pageSize) {
                throw new DmaException.InvalidArgument("iova not page aligned: index=" + i + " iova=0x"
                    + Long.toHexString(iovas[i]) + " pageSize=" + pageSize);
            }
        }
    }

    static void requireNoOverlap(Registration r, List<Registration> existing) {
        List<MemoryTable.Run> mine = new ArrayList<>();
        MemoryTable.addRuns(r, mine);
        for (int i = 0; i < mine.size(); i++) {
            for (int j = i + 1; j < mine.size(); j++) {
                if (mine.get(i).overlaps(mine.get(j))) {
                    throw new DmaException.InvalidArgument("iovas overlap within the registration: " + r);
                }
            }
        }
        for (Registration o : existing) {
            if (r.va() < o.va() + o.length() && o.va() < r.va() + r.length()) {
                throw new DmaException.AlreadyExists("va overlaps: new=" + r + " existing=" + o);
            }
            List<MemoryTable.Run> theirs = new ArrayList<>();
            MemoryTable.addRuns(o, theirs);
            for (MemoryTable.Run a : mine) {
                for (MemoryTable.Run b : theirs) {
                    if (a.overlaps(b)) {
                        throw new DmaException.AlreadyExists("iova overlaps: new=" + r + " existing=" + o);
                    }
                }
            }
        }
    }
}
