package io.vhostdma.dma.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One registered memory range (external memory or a dmabuf), as created by {@link MemoryRegistry}.
 * Immutable except for its revoked flag; the registry keeps the segment so engines copy through it.
 */
public final class Registration {
    /** The {@link #dmabufFd()} of a registration that is not a dmabuf. */
    public static final int NO_FD = -1;

    private final DomainId domain;
    private final MemorySegment memory;
    private final long[] iovas;
    private final long pageSize;
    private final int dmabufFd;
    private final long dmabufOffset;
    private volatile boolean revoked; // written by the registry under its lock, read by dump/tests

    Registration(DomainId domain, MemorySegment memory, long[] iovas, long pageSize, int dmabufFd,
                 long dmabufOffset) {
        this.domain = domain;
        this.memory = memory;
        this.iovas = iovas == null ? null : iovas.clone();
        this.pageSize = pageSize;
        this.dmabufFd = dmabufFd;
        this.dmabufOffset = dmabufOffset;
    }

    /** @return the owning domain */
    public DomainId domain() {
        return domain;
    }

    /** @return the registered segment (the engines copy through it) */
    public MemorySegment memory() {
        return memory;
    }

    /** @return the virtual address of the first byte */
    public long va() {
        return memory.address();
    }

    /** @return the length in bytes */
    public long length() {
        return memory.byteSize();
    }

    /** @return the page size the range was registered with */
    public long pageSize() {
        return pageSize;
    }

    /** @return the number of pages */
    public int pageCount() {
        return (int) (length() / pageSize);
    }

    /**
     * @param page page number
     * @return the IOVA of that page: {@code va + page * pageSize} when registered IOVA-as-VA
     */
    public long pageIova(int page) {
        return iovas == null ? va() + page * pageSize : iovas[page];
    }

    /**
     * One stretch of pages whose IOVAs are contiguous: what a device maps in one call.
     *
     * @param va     virtual address of its first byte
     * @param iova   IOVA of its first byte
     * @param length bytes
     */
    public record IovaRun(long va, long iova, long length) {
    }

    /** @return the IOVA-contiguous runs of the registration, in page order (one run for IOVA-as-VA) */
    public List<IovaRun> iovaRuns() {
        List<MemoryTable.Run> runs = new ArrayList<>();
        MemoryTable.addRuns(this, runs);
        List<IovaRun> out = new ArrayList<>(runs.size());
        for (MemoryTable.Run run : runs) {
            out.add(new IovaRun(va() + run.offset(), run.iova(), run.length()));
        }
        return List.copyOf(out);
    }

    /** @return whether explicit per-page IOVAs were given */
    public boolean hasExplicitIovas() {
        return iovas != null;
    }

    /** @return a copy of the per-page IOVAs, or {@code null} for IOVA-as-VA */
    public long[] iovas() {
        return iovas == null ? null : iovas.clone();
    }

    /** @return whether this is a dmabuf registration */
    public boolean isDmabuf() {
        return dmabufFd != NO_FD;
    }

    /** @return the caller's dmabuf fd exactly as given (never closed by this module), or {@link #NO_FD} */
    public int dmabufFd() {
        return dmabufFd;
    }

    /** @return the offset within the dmabuf, 0 when not a dmabuf */
    public long dmabufOffset() {
        return dmabufOffset;
    }

    /** @return whether the range was revoked */
    public boolean revoked() {
        return revoked;
    }

    void markRevoked() {
        revoked = true;
    }

    /**
     * @param va an address
     * @return whether it lies inside the range
     */
    public boolean containsVa(long va) {
        return va >= va() && va - va() < length();
    }

    @Override
    public String toString() {
        return "Registration[domain=" + domain + ", va=0x" + Long.toHexString(va()) + ", len=" + length()
            + ", pageSize=" + pageSize + (isDmabuf() ? ", fd=" + dmabufFd + ", offset=" + dmabufOffset : "")
            + (iovas != null ? ", iovas=" + Arrays.toString(iovas) : ", iova=va") + (revoked ? ", revoked" : "")
            + "]";
    }
}
