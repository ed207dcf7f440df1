package io.vhostdma.dma.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Immutable IOVA translation table of one device: the IOVA runs of every registration mapped to it,
 * sorted by start. A run is a maximal stretch of pages whose IOVAs are contiguous. The fast path
 * translates with {@link #find} (binary search) or confirms a remembered run with {@link #contains};
 * neither allocates. A new table is built and published for every change (register, map, revoke).
 */
public final class MemoryTable {
    /** The table with no runs. */
    public static final MemoryTable EMPTY = new MemoryTable(List.of());

    private final int size;
    private final long[] start;
    private final long[] length;
    private final long[] segmentOffset;
    private final MemorySegment[] segment;
    private final int[] domainHandle;
    private final boolean[] revoked;
    private final Registration[] owner;

    private MemoryTable(List<Run> runs) {
        size = runs.size();
        start = new long[size];
        length = new long[size];
        segmentOffset = new long[size];
        segment = new MemorySegment[size];
        domainHandle = new int[size];
        revoked = new boolean[size];
        owner = new Registration[size];
        for (int i = 0; i < size; i++) {
            Run r = runs.get(i);
            start[i] = r.iova;
            length[i] = r.length;
            segmentOffset[i] = r.offset;
            segment[i] = r.owner.memory();
            domainHandle[i] = r.owner.domain().handle();
            revoked[i] = r.owner.revoked();
            owner[i] = r.owner;
        }
    }

    /**
     * Builds the table of a set of registrations.
     *
     * @param registrations registrations mapped to one device
     * @return the table
     */
    public static MemoryTable of(Collection<Registration> registrations) {
        List<Run> runs = new ArrayList<>();
        for (Registration r : registrations) {
            addRuns(r, runs);
        }
        runs.sort(Comparator.comparingLong(r -> r.iova));
        return new MemoryTable(runs);
    }

    /**
     * Splits a registration into runs of IOVA-contiguous pages.
     *
     * @param r   the registration
     * @param out receives the runs
     */
    static void addRuns(Registration r, List<Run> out) {
        int pages = r.pageCount();
        int first = 0;
        for (int p = 1; p <= pages; p++) {
            boolean breaks = p == pages || r.pageIova(p) != r.pageIova(p - 1) + r.pageSize();
            if (breaks) {
                out.add(new Run(r, r.pageIova(first), first * r.pageSize(), (p - first) * r.pageSize()));
                first = p;
            }
        }
    }

    /** One IOVA-contiguous run of a registration. */
    record Run(Registration owner, long iova, long offset, long length) {
        boolean overlaps(Run o) {
            return iova < o.iova + o.length && o.iova < iova + length;
        }
    }

    /** @return the number of runs */
    public int size() {
        return size;
    }

    /**
     * Finds the run holding {@code [iova, iova + len)} entirely.
     *
     * @param iova first byte
     * @param len  length, at least 1
     * @return the run number, or -1 when no single run holds the range
     */
    public int find(long iova, long len) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= iova) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && contains(hi, iova, len) ? hi : -1;
    }

    /**
     * @param run  a run number (any int; out-of-range numbers answer false)
     * @param iova first byte
     * @param len  length, at least 1
     * @return whether that run holds the range entirely (overflow-safe)
     */
    public boolean contains(int run, long iova, long len) {
        if (run < 0 || run >= size) {
            return false;
        }
        long rel = iova - start[run];
        return rel >= 0 && rel < length[run] && len <= length[run] - rel;
    }

    /** @param run run number @return the segment to copy through */
    public MemorySegment segment(int run) {
        return segment[run];
    }

    /** @param run run number @param iova an IOVA inside it @return its offset in {@link #segment(int)} */
    public long offsetOf(int run, long iova) {
        return segmentOffset[run] + (iova - start[run]);
    }

    /** @param run run number @return the owning domain's handle */
    public int domainHandle(int run) {
        return domainHandle[run];
    }

    /** @param run run number @return whether the owning registration was revoked */
    public boolean revoked(int run) {
        return revoked[run];
    }

    /** @param run run number @return the owning registration */
    public Registration owner(int run) {
        return owner[run];
    }

    /** @param run run number @return first IOVA of the run */
    public long start(int run) {
        return start[run];
    }

    /** @param run run number @return length of the run */
    public long length(int run) {
        return length[run];
    }
}
