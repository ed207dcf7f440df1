package io.vhostdma.dma.core;

import static io.vhostdma.dma.DmaStatus.ACCESS_DENIED;
import static io.vhostdma.dma.DmaStatus.INVALID_DST_ADDR;
import static io.vhostdma.dma.DmaStatus.INVALID_SRC_ADDR;
import static io.vhostdma.dma.DmaStatus.REVOKED;
import static io.vhostdma.dma.DmaStatus.SUCCESS;

import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.access.AccessTable;
import io.vhostdma.dma.memory.MemoryTable;
import io.vhostdma.dma.spi.SgList;
import java.lang.foreign.MemorySegment;

/**
 * The layer's checks of one channel, run on its user thread before an op reaches the engine: the
 * software IOMMU (translation through the device's {@link MemoryTable} of mapped memory), revocation,
 * and the domain rules (through its {@link AccessTable}). A passing check leaves the translation in
 * fields ({@link #srcSegment}, {@link #srcOffset(long)}, ...) for the engine call. Allocation-free.
 *
 * <p>Check order, the first failing check deciding the status: source translation
 * ({@code INVALID_SRC_ADDR}), destination translation ({@code INVALID_DST_ADDR}), revocation
 * ({@code REVOKED}), domain access ({@code ACCESS_DENIED}). The tables are read once per batch
 * ({@link #beginBatch}, inside the channel's {@link ExecutionGate}), so a control call that publishes
 * a new table and waits for the gate knows that no later op was checked against the old one.
 */
public final class OpGuard extends RouteCache {
    /** The flag bits the access rules read: both handles and their valid bits. */
    private static final long ACCESS_BITS = 0xFFFF_FFFF_0000_0000L | OpFlags.SRC_HANDLE | OpFlags.DST_HANDLE;
    private static final long NOT_VERIFIED = OpFlags.FENCE;
    private final DeviceTables tables;
    private MemoryTable memory = MemoryTable.EMPTY; // the batch's tables, read at beginBatch()
    private AccessTable access = AccessTable.EMPTY;
    /**
     * The handle bits ({@link #ACCESS_BITS}) of the last copy that passed every check with the runs now
     * in the caches. {@link #NOT_VERIFIED} (a bit outside the mask, so no op matches) after anything
     * that changes the caches or the tables.
     */
    private long verified = NOT_VERIFIED;
    private int allowedSrc = -1; // last guest pair the batch's access table allowed (handles are >= 0)
    private int allowedDst = -1;

    /** @param tables the device's published tables */
    public OpGuard(DeviceTables tables) {
        this.tables = tables;
    }

    /**
     * Starts a batch: reads the device's current tables once (volatile reads, ordered after the gate's
     * {@code enter()}); every op of the batch is checked against them.
     */
    public void beginBatch() {
        MemoryTable t = tables.memory();
        if (t != memory) {
            memory = t;
            clearRoute();
        }
        access = tables.access();
        verified = NOT_VERIFIED;
        allowedSrc = -1; // the access table may have changed
        allowedDst = -1;
    }

    /** @param iova a source IOVA that passed {@link #checkCopy} @return its offset in {@link #srcSegment} */
    public long srcOffset(long iova) {
        return iova + srcBias;
    }

    /** @param iova a destination IOVA that passed a check @return its offset in {@link #dstSegment} */
    public long dstOffset(long iova) {
        return iova + dstBias;
    }

    /** @return the source segment of the op that passed last */
    public MemorySegment srcSegment() {
        return srcSegment;
    }

    /** @return the destination segment of the op that passed last */
    public MemorySegment dstSegment() {
        return dstSegment;
    }

    /** @return the source domain handle of the copy that passed last */
    public int srcDomain() {
        return srcDomain;
    }

    /** @return the destination domain handle of the op that passed last */
    public int dstDomain() {
        return dstDomain;
    }

    /**
     * Checks a copy.
     *
     * @return {@code SUCCESS} (translation in the fields) or the failed check's status
     */
    public int checkCopy(long src, long dst, int len, long flags) {
        if (srcHit(src, len) && dstHit(dst, len) && (flags & ACCESS_BITS) == verified) {
            return SUCCESS; // same runs, same handles as the last copy that passed every check
        }
        if (!srcHit(src, len) || !dstHit(dst, len)) {
            int verdict = translate(src, dst, len);
            if (verdict != SUCCESS) {
                return verdict;
            }
        }
        int verdict = checkAccess(srcDomain, dstDomain, flags);
        if (verdict != SUCCESS) {
            return verdict;
        }
        verified = flags & ACCESS_BITS;
        return SUCCESS;
    }

    /**
     * Cache miss: translates both sides through the batch's table, in check order, and caches the runs
     * (revoked runs are never cached, so a cache hit implies not revoked).
     */
    private int translate(long src, long dst, int len) {
        MemoryTable t = memory;
        int sr = t.find(src, len);
        if (sr < 0) {
            return INVALID_SRC_ADDR;
        }
        int dr = t.find(dst, len);
        if (dr < 0) {
            return INVALID_DST_ADDR;
        }
        if (t.revoked(sr) || t.revoked(dr)) {
            return REVOKED;
        }
        verified = NOT_VERIFIED;
        fillSrc(t, sr);
        fillDst(t, dr);
        return SUCCESS;
    }

    /**
     * Checks a fill (a host-sourced write).
     *
     * @return {@code SUCCESS} (destination translation in the fields) or the failed check's status
     */
    public int checkFill(long dst, int len, long flags) {
        if (!dstHit(dst, len)) {
            MemoryTable t = memory;
            int run = t.find(dst, len);
            if (run < 0) {
                return INVALID_DST_ADDR;
            }
            if (t.revoked(run)) {
                return REVOKED;
            }
            verified = NOT_VERIFIED;
            fillDst(t, run);
        }
        if (OpFlags.hasDstHandle(flags) && OpFlags.dstHandle(flags) != dstDomain) {
            return ACCESS_DENIED;
        }
        return SUCCESS;
    }

    /**
     * Checks a scatter-gather copy entry by entry and writes the translations into {@code src} and
     * {@code dst}, and each entry's domain handle into {@code srcDomains}/{@code dstDomains}.
     *
     * @return {@code SUCCESS} or the failed check's status
     */
    public int checkSg(long[] srcIovas, int[] srcLens, int nbSrc, long[] dstIovas, int[] dstLens, int nbDst,
                       long flags, SgList src, SgList dst, int[] srcDomains, int[] dstDomains) {
        MemoryTable t = memory;
        int verdict = translateSg(t, srcIovas, srcLens, nbSrc, src, srcDomains, INVALID_SRC_ADDR);
        if (verdict == SUCCESS) {
            verdict = translateSg(t, dstIovas, dstLens, nbDst, dst, dstDomains, INVALID_DST_ADDR);
        }
        if (verdict != SUCCESS) {
            return verdict;
        }
        for (int i = 0; i < nbSrc; i++) {
            for (int j = 0; j < nbDst; j++) {
                verdict = checkAccess(srcDomains[i], dstDomains[j], flags);
                if (verdict != SUCCESS) {
                    return verdict;
                }
            }
        }
        return SUCCESS;
    }

    private static int translateSg(MemoryTable t, long[] iovas, int[] lens, int n, SgList out, int[] domains,
                                   int invalid) {
        out.pieces.clear();
        for (int i = 0; i < n; i++) {
            int run = t.find(iovas[i], lens[i]);
            if (run < 0) {
                return invalid;
            }
            if (t.revoked(run)) {
                return REVOKED;
            }
            out.pieces.add(t.segment(run), t.offsetOf(run, iovas[i]), lens[i]);
            out.iovas[i] = iovas[i];
            domains[i] = t.domainHandle(run);
        }
        return SUCCESS;
    }

    /**
     * The domain rules: handles carried in the flags must name the memory's real domains; host memory
     * may meet any guest's; two different guests need both handles and a common access group.
     */
    private int checkAccess(int srcDomain, int dstDomain, long flags) {
        boolean hasSrc = OpFlags.hasSrcHandle(flags);
        boolean hasDst = OpFlags.hasDstHandle(flags);
        if ((hasSrc && OpFlags.srcHandle(flags) != srcDomain) || (hasDst && OpFlags.dstHandle(flags) != dstDomain)) {
            return ACCESS_DENIED;
        }
        if (srcDomain == 0 || dstDomain == 0 || srcDomain == dstDomain) {
            return SUCCESS;
        }
        if (!hasSrc || !hasDst || !allows(srcDomain, dstDomain)) {
            return ACCESS_DENIED;
        }
        return SUCCESS;
    }

    /** The batch's access table, remembering the last allowed pair (forgotten when a batch starts). */
    private boolean allows(int srcDomain, int dstDomain) {
        if (srcDomain == allowedSrc && dstDomain == allowedDst) {
            return true;
        }
        if (!access.allows(srcDomain, dstDomain)) {
            return false;
        }
        allowedSrc = srcDomain;
        allowedDst = dstDomain;
        return true;
    }
}
