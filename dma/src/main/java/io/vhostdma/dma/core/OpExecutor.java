package io.vhostdma.dma.core;

import static io.vhostdma.dma.DmaStatus.ACCESS_DENIED;
import static io.vhostdma.dma.DmaStatus.BUS_ERROR;
import static io.vhostdma.dma.DmaStatus.INVALID_DST_ADDR;
import static io.vhostdma.dma.DmaStatus.INVALID_SRC_ADDR;
import static io.vhostdma.dma.DmaStatus.REVOKED;
import static io.vhostdma.dma.DmaStatus.SUCCESS;

import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.access.AccessTable;
import io.vhostdma.dma.memory.MemoryTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Executes the descriptors of one channel: the software IOMMU (translation through the device's
 * {@link MemoryTable}), the access rules (through its {@link AccessTable}), then the byte movement
 * through the registered segments. Used by one executing thread at a time; allocation-free.
 *
 * <p>Check order, each failing check ending the op with no byte moved: injected fault
 * ({@code BUS_ERROR}), source translation ({@code INVALID_SRC_ADDR}), destination translation
 * ({@code INVALID_DST_ADDR}), revocation ({@code REVOKED}), domain access ({@code ACCESS_DENIED}). A
 * segment that throws while copying ends the op with {@code BUS_ERROR}: its arena was closed, or the memory
 * faulted (a guest shrank the file under a mapping: SIGBUS, which HotSpot raises as an {@link InternalError}
 * in the executing thread — sometimes a few instructions after the access, so {@link #executeRange} catches
 * it around each op as well and the executing thread never dies of it).
 */
public final class OpExecutor extends RouteCache {
    private static final ValueLayout.OfLong LONG_LE =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** The flag bits the access rules read: both handles and their valid bits. */
    private static final long ACCESS_BITS = 0xFFFF_FFFF_0000_0000L | OpFlags.SRC_HANDLE | OpFlags.DST_HANDLE;
    private static final long NOT_VERIFIED = OpFlags.FENCE;
    private final DescriptorRing ring;
    private final DeviceTables tables;
    private final ChannelCounters counters;
    private final FaultInjector faults;
    private final boolean faultsOn; // the injector is enabled (a final field: no load chain per op)
    private MemoryTable memory = MemoryTable.EMPTY; // the batch's tables, read at beginBatch()
    private AccessTable access = AccessTable.EMPTY;
    /**
     * The handle bits ({@link #ACCESS_BITS}) of the last copy that passed every check with the runs now
     * in the caches; the pending byte pair is then that copy's pair. {@link #NOT_VERIFIED} (a bit outside
     * the mask, so no op matches) after anything that changes the caches, the pending pair or the tables.
     */
    private long verified = NOT_VERIFIED;
    private int allowedSrc = -1; // last guest pair the batch's access table allowed (handles are >= 0)
    private int allowedDst = -1;
    private int pendingSrc;    // bytes moved for the pair (pendingSrc, pendingDst) not yet in the counters
    private int pendingDst;
    private long pendingBytes;
    private volatile Throwable lastFault; // diagnostics only; written on the (cold) failure path

    /**
     * @param ring     the channel's ring
     * @param tables   the device's published tables
     * @param counters the channel's counters
     * @param faults   the fault-injection knob
     */
    public OpExecutor(DescriptorRing ring, DeviceTables tables, ChannelCounters counters, FaultInjector faults) {
        this.ring = ring;
        this.tables = tables;
        this.counters = counters;
        this.faults = faults;
        this.faultsOn = faults.enabled();
    }

    /** @return the last exception or memory fault caught while moving bytes, or {@code null} */
    public Throwable lastFault() {
        return lastFault;
    }

    /**
     * Starts a batch: reads the device's current tables once (volatile reads, ordered after the gate's
     * {@code enter()}); every op of the batch translates and checks against them. Valid for the whole
     * batch: a control call that publishes a new table waits, through the {@link ExecutionGate}, until
     * the batch ended, and the next batch reads the new one. Called inside the gate, before the
     * batch's first op.
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

    /**
     * Executes ops {@code [from, to)} as one batch (see {@link #beginBatch()}), records their failures
     * ({@link DescriptorRing#fail}; a success stores nothing), flushes the byte counters and publishes
     * {@code done = to}.
     *
     * @param from first sequence number
     * @param to   one past the last
     */
    public void executeRange(long from, long to) {
        beginBatch();
        for (long seq = from; seq < to; seq++) {
            int status;
            try {
                status = execute(seq);
            } catch (InternalError e) {
                lastFault = e; // a memory fault that surfaced after the op's own catch
                status = BUS_ERROR;
            }
            if (status != SUCCESS) {
                ring.fail(seq, status);
            }
        }
        flushBytes();
        // release: statuses and moved bytes happen-before the user thread's acquire read of done
        ring.done.setRelease(to);
    }

    /**
     * Executes one op and returns its status (does not store it).
     *
     * @param seq the op's sequence number
     * @return a {@link io.vhostdma.dma.DmaStatus} code
     */
    public int execute(long seq) {
        int slot = (int) seq & ring.mask;
        if (faultsOn && faults.shouldFail(seq)) {
            return BUS_ERROR;
        }
        byte kind = ring.kind[slot];
        if (kind == DescriptorRing.KIND_COPY) {
            return copy(ring.src[slot], ring.dst[slot], ring.len[slot], ring.flags[slot]);
        }
        if (kind == DescriptorRing.KIND_FILL) {
            return fill(ring.src[slot], ring.dst[slot], ring.len[slot], ring.flags[slot]);
        }
        return copySg(slot);
    }

    /**
     * Performs a copy given directly (the inline path of engines that execute on enqueue).
     *
     * @param seq   the op's sequence number (for fault injection)
     * @param src   source IOVA
     * @param dst   destination IOVA
     * @param len   length
     * @param flags op flags
     * @return the status
     */
    public int copyNow(long seq, long src, long dst, int len, long flags) {
        if (faultsOn && faults.shouldFail(seq)) {
            return BUS_ERROR;
        }
        return copy(src, dst, len, flags);
    }

    private int copy(long src, long dst, int len, long flags) {
        if (srcHit(src, len) && dstHit(dst, len) && (flags & ACCESS_BITS) == verified) {
            // same runs, same handles as the last copy that passed every check: the same verdict
            if (!move(src, dst, len)) {
                return BUS_ERROR;
            }
            pendingBytes += len; // the pending pair is this pair (see verified)
            return SUCCESS;
        }
        return copyChecked(src, dst, len, flags);
    }

    private int copyChecked(long src, long dst, int len, long flags) {
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
        if (!move(src, dst, len)) {
            return BUS_ERROR;
        }
        countBytes(srcDomain, dstDomain, len);
        verified = flags & ACCESS_BITS;
        return SUCCESS;
    }

    private boolean move(long src, long dst, int len) {
        try {
            MemorySegment.copy(srcSegment, src + srcBias, dstSegment, dst + dstBias, len);
            return true;
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return false;
        }
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

    /** Accumulates moved bytes in plain fields while the domain pair stays the same. */
    private void countBytes(int srcDomain, int dstDomain, long n) {
        if (srcDomain != pendingSrc || dstDomain != pendingDst) {
            verified = NOT_VERIFIED;
            flushBytes();
            pendingSrc = srcDomain;
            pendingDst = dstDomain;
        }
        pendingBytes += n;
    }

    /**
     * Adds the accumulated bytes to the channel's counters. Called at the end of every batch (by
     * {@link #executeRange}, and by the channel at {@code submit()} and completion polls for inline
     * engines), so the counters are exact once those calls return.
     */
    public void flushBytes() {
        if (pendingBytes != 0) {
            counters.addBytes(pendingSrc, pendingDst, pendingBytes);
            pendingBytes = 0;
        }
    }

    private int check(MemoryTable t, int s, int d, long flags) {
        if (t.revoked(s) || t.revoked(d)) {
            return REVOKED;
        }
        return checkAccess(t.domainHandle(s), t.domainHandle(d), flags);
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

    private int fill(long pattern, long dst, int len, long flags) {
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
        try {
            fillBytes(dstSegment, dst + dstBias, len, pattern);
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return BUS_ERROR;
        }
        countBytes(0, dstDomain, len);
        return SUCCESS;
    }

    /** Writes the 8-byte pattern repeatedly (byte i of the fill = byte i mod 8 of the little-endian pattern). */
    private static void fillBytes(MemorySegment seg, long off, int len, long pattern) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            seg.set(LONG_LE, off + i, pattern);
        }
        for (; i < len; i++) {
            seg.set(ValueLayout.JAVA_BYTE, off + i, (byte) (pattern >>> ((i & 7) * 8)));
        }
    }

    private int copySg(int slot) {
        MemoryTable t = memory;
        int verdict = validateSg(t, slot);
        if (verdict != SUCCESS) {
            return verdict;
        }
        try {
            moveSg(t, slot);
        } catch (RuntimeException | InternalError e) {
            lastFault = e;
            return BUS_ERROR;
        }
        return SUCCESS;
    }

    private int validateSg(MemoryTable t, int slot) {
        int base = slot * ring.maxSges;
        long flags = ring.flags[slot];
        for (int i = 0; i < ring.sgSrcCount[slot]; i++) {
            if (t.find(ring.sgSrc[base + i], ring.sgSrcLen[base + i]) < 0) {
                return INVALID_SRC_ADDR;
            }
        }
        for (int j = 0; j < ring.sgDstCount[slot]; j++) {
            if (t.find(ring.sgDst[base + j], ring.sgDstLen[base + j]) < 0) {
                return INVALID_DST_ADDR;
            }
        }
        for (int i = 0; i < ring.sgSrcCount[slot]; i++) {
            int s = t.find(ring.sgSrc[base + i], ring.sgSrcLen[base + i]);
            for (int j = 0; j < ring.sgDstCount[slot]; j++) {
                int verdict = check(t, s, t.find(ring.sgDst[base + j], ring.sgDstLen[base + j]), flags);
                if (verdict != SUCCESS) {
                    return verdict;
                }
            }
        }
        return SUCCESS;
    }

    /** Gathers the source entries into the destination entries in order (totals are equal). */
    private void moveSg(MemoryTable t, int slot) {
        int base = slot * ring.maxSges;
        int si = 0;
        int di = 0;
        long sUsed = 0;
        long dUsed = 0;
        while (si < ring.sgSrcCount[slot] && di < ring.sgDstCount[slot]) {
            long sIova = ring.sgSrc[base + si] + sUsed;
            long dIova = ring.sgDst[base + di] + dUsed;
            long sLeft = ring.sgSrcLen[base + si] - sUsed;
            long dLeft = ring.sgDstLen[base + di] - dUsed;
            long n = Math.min(sLeft, dLeft);
            int s = t.find(sIova, n);
            int d = t.find(dIova, n);
            MemorySegment.copy(t.segment(s), t.offsetOf(s, sIova), t.segment(d), t.offsetOf(d, dIova), n);
            countBytes(t.domainHandle(s), t.domainHandle(d), n);
            sUsed += n;
            dUsed += n;
            if (sUsed == ring.sgSrcLen[base + si]) {
                si++;
                sUsed = 0;
            }
            if (dUsed == ring.sgDstLen[base + di]) {
                di++;
                dUsed = 0;
            }
        }
    }
}
