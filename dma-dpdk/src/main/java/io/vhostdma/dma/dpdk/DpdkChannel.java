package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.vhostdma.dma.CompletionInfo;
import io.vhostdma.dma.DmaStatus;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.SgList;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One virtual channel of a dmadev: the fast path of rte_dmadev.h made the way its inline functions make
 * it, through the device's {@code rte_dma_fp_objs} entry ({@link FpObjectLayout}): each call is
 * {@code obj->fn(obj->dev_private, vchan, ...)}. The downcall handles take the function pointer as their
 * first argument, so there is one constant handle per function type; they are {@code critical} (no
 * thread-state transition: every driver function here is short and never blocks). Nothing is allocated
 * per call: {@code last_idx}, {@code has_error}, the status array and the scatter-gather entries live in
 * native memory of the channel. Driven by the channel's one user thread; {@link #bind} (at start) and
 * {@link #drain} (at stop) run on the control thread while no user thread drives the channel.
 */
final class DpdkChannel implements EngineChannel {
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    /** {@code int copy(void *dev_private, uint16_t vchan, rte_iova_t src, rte_iova_t dst, uint32_t len, uint64_t flags)}. */
    private static final MethodHandle COPY = handle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT, JAVA_LONG,
        JAVA_LONG, JAVA_INT, JAVA_LONG));
    /** {@code int copy_sg(void *, uint16_t vchan, const rte_dma_sge *src, const rte_dma_sge *dst, uint16_t nb_src, uint16_t nb_dst, uint64_t flags)}. */
    private static final MethodHandle COPY_SG = handle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT, ADDRESS,
        ADDRESS, JAVA_SHORT, JAVA_SHORT, JAVA_LONG));
    /** {@code int fill(void *, uint16_t vchan, uint64_t pattern, rte_iova_t dst, uint32_t len, uint64_t flags)}. */
    private static final MethodHandle FILL = handle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT, JAVA_LONG,
        JAVA_LONG, JAVA_INT, JAVA_LONG));
    /** {@code int submit(void *, uint16_t vchan)}. */
    private static final MethodHandle SUBMIT = handle(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    /** {@code uint16_t completed(void *, uint16_t vchan, uint16_t nb_cpls, uint16_t *last_idx, bool *has_error)}. */
    private static final MethodHandle COMPLETED = handle(FunctionDescriptor.of(JAVA_SHORT, ADDRESS, JAVA_SHORT,
        JAVA_SHORT, ADDRESS, ADDRESS));
    /** {@code uint16_t completed_status(void *, uint16_t vchan, uint16_t nb_cpls, uint16_t *last_idx, enum rte_dma_status_code *status)}. */
    private static final MethodHandle COMPLETED_STATUS = handle(FunctionDescriptor.of(JAVA_SHORT, ADDRESS, JAVA_SHORT,
        JAVA_SHORT, ADDRESS, ADDRESS));
    /** {@code uint16_t burst_capacity(const void *, uint16_t vchan)}. */
    private static final MethodHandle BURST_CAPACITY = handle(FunctionDescriptor.of(JAVA_SHORT, ADDRESS, JAVA_SHORT));
    private static final VarHandle TAKEN;
    private static final VarHandle REAPED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAKEN = l.findVarHandle(DpdkChannel.class, "taken", long.class);
            REAPED = l.findVarHandle(DpdkChannel.class, "reaped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final short vchan;
    private final int statusCapacity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment lastIdx;
    private final MemorySegment hasError;
    private final MemorySegment statusBuf;
    private final MemorySegment sgeSrc;
    private final MemorySegment sgeDst;
    private final int[] backlog;   // statuses of ops completed while the device stopped, served first
    private int backlogHead;
    private int backlogTail;
    private MemorySegment devPrivate = MemorySegment.NULL; // set by bind() at start
    private MemorySegment fnCopy = MemorySegment.NULL;
    private MemorySegment fnCopySg = MemorySegment.NULL;
    private MemorySegment fnFill = MemorySegment.NULL;
    private MemorySegment fnSubmit = MemorySegment.NULL;
    private MemorySegment fnCompleted = MemorySegment.NULL;
    private MemorySegment fnCompletedStatus = MemorySegment.NULL;
    private MemorySegment fnBurstCapacity = MemorySegment.NULL;
    @SuppressWarnings("unused") // through TAKEN: ops the device took (user thread, release)
    private long taken;
    @SuppressWarnings("unused") // through REAPED: ops reaped (user thread, release)
    private long reaped;

    DpdkChannel(int vchan, int ringSize, int maxSges) {
        this.vchan = (short) vchan;
        this.statusCapacity = ringSize;
        this.lastIdx = arena.allocate(JAVA_SHORT);
        this.hasError = arena.allocate(JAVA_BYTE);
        this.statusBuf = arena.allocate(JAVA_INT, ringSize);
        this.sgeSrc = arena.allocate(SgeLayout.LAYOUT, Math.max(1, maxSges));
        this.sgeDst = arena.allocate(SgeLayout.LAYOUT, Math.max(1, maxSges));
        this.backlog = new int[ringSize];
    }

    private static MethodHandle handle(FunctionDescriptor fd) {
        return Linker.nativeLinker().downcallHandle(fd, CRITICAL);
    }

    /** Reads the device's fast-path entry (after {@code rte_dma_start}; control thread, channel idle). */
    void bind(MemorySegment fpObject) {
        devPrivate = fpObject.get(ADDRESS, FpObjectLayout.DEV_PRIVATE);
        fnCopy = fpObject.get(ADDRESS, FpObjectLayout.COPY);
        fnCopySg = fpObject.get(ADDRESS, FpObjectLayout.COPY_SG);
        fnFill = fpObject.get(ADDRESS, FpObjectLayout.FILL);
        fnSubmit = fpObject.get(ADDRESS, FpObjectLayout.SUBMIT);
        fnCompleted = fpObject.get(ADDRESS, FpObjectLayout.COMPLETED);
        fnCompletedStatus = fpObject.get(ADDRESS, FpObjectLayout.COMPLETED_STATUS);
        fnBurstCapacity = fpObject.get(ADDRESS, FpObjectLayout.BURST_CAPACITY);
    }

    @Override
    public int copy(MemorySegment src, long srcOffset, long srcIova, MemorySegment dst, long dstOffset, long dstIova,
                    int len, long flags) {
        int r;
        try {
            r = (int) COPY.invokeExact(fnCopy, devPrivate, vchan, srcIova, dstIova, len, flags);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        return took(r);
    }

    @Override
    public int copySg(SgList src, SgList dst, long flags) {
        writeSges(sgeSrc, src);
        writeSges(sgeDst, dst);
        int r;
        try {
            r = (int) COPY_SG.invokeExact(fnCopySg, devPrivate, vchan, sgeSrc, sgeDst, (short) src.count(),
                (short) dst.count(), flags);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        return took(r);
    }

    private static void writeSges(MemorySegment sges, SgList list) {
        long size = SgeLayout.LAYOUT.byteSize();
        for (int i = 0; i < list.count(); i++) {
            sges.set(JAVA_LONG, i * size + SgeLayout.ADDR, list.iovas[i]);
            sges.set(JAVA_INT, i * size + SgeLayout.LENGTH, list.pieces.length(i));
        }
    }

    @Override
    public int fill(long pattern, MemorySegment dst, long dstOffset, long dstIova, int len, long flags) {
        int r;
        try {
            r = (int) FILL.invokeExact(fnFill, devPrivate, vchan, pattern, dstIova, len, flags);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        return took(r);
    }

    private int took(int r) {
        if (r >= 0) {
            TAKEN.setRelease(this, (long) TAKEN.get(this) + 1); // release: read by drain() at stop
        }
        return r;
    }

    @Override
    public int submit() {
        try {
            return (int) SUBMIT.invokeExact(fnSubmit, devPrivate, vchan);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    @Override
    public int completed(int max, CompletionInfo out) {
        if (backlogHead != backlogTail) {
            return completedFromBacklog(max, out);
        }
        int n;
        hasError.set(JAVA_BYTE, 0, (byte) 0); // as rte_dma_completed() does before calling the driver
        try {
            n = Short.toUnsignedInt((short) COMPLETED.invokeExact(fnCompleted, devPrivate, vchan,
                (short) Math.min(max, 0xFFFF), lastIdx, hasError));
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        out.hasError = hasError.get(JAVA_BYTE, 0) != 0;
        return reaped(n);
    }

    @Override
    public int completedStatus(int max, int[] statuses, int offset) {
        if (backlogHead != backlogTail) {
            int n = Math.min(max, backlogTail - backlogHead);
            System.arraycopy(backlog, backlogHead, statuses, offset, n);
            backlogHead += n;
            return reaped(n);
        }
        int n = fetchStatuses(Math.min(max, statusCapacity));
        for (int i = 0; i < n; i++) {
            statuses[offset + i] = DpdkStatus.of(statusBuf.getAtIndex(JAVA_INT, i));
        }
        return reaped(n);
    }

    private int fetchStatuses(int want) {
        try {
            return Short.toUnsignedInt((short) COMPLETED_STATUS.invokeExact(fnCompletedStatus, devPrivate, vchan,
                (short) want, lastIdx, statusBuf));
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    private int completedFromBacklog(int max, CompletionInfo out) {
        int n = 0;
        while (n < max && backlogHead + n < backlogTail && backlog[backlogHead + n] == DmaStatus.SUCCESS) {
            n++;
        }
        backlogHead += n;
        out.hasError = n < max && backlogHead < backlogTail;
        return reaped(n);
    }

    private int reaped(int n) {
        if (n > 0) {
            REAPED.setRelease(this, (long) REAPED.get(this) + n);
        }
        return n;
    }

    @Override
    public int burstCapacity() {
        try {
            return Short.toUnsignedInt((short) BURST_CAPACITY.invokeExact(fnBurstCapacity, devPrivate, vchan));
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    /**
     * At stop (control thread, no user thread driving the channel): submits what was enqueued and
     * collects the completions of every op the device took and the user did not reap yet, so they stay
     * reapable after {@code rte_dma_stop} (a restart resets the device's rings).
     *
     * @param deadline {@link System#nanoTime()} to give up at
     * @return whether every op was collected
     */
    boolean drain(long deadline) {
        submit();
        backlogHead = 0;
        backlogTail = 0;
        long outstanding = (long) TAKEN.getAcquire(this) - (long) REAPED.getAcquire(this);
        while (backlogTail < outstanding) {
            int n = fetchStatuses((int) Math.min(statusCapacity, outstanding - backlogTail));
            for (int i = 0; i < n; i++) {
                backlog[backlogTail++] = DpdkStatus.of(statusBuf.getAtIndex(JAVA_INT, i));
            }
            if (n == 0) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /** Frees the channel's native memory (the device is closed). */
    void close() {
        arena.close();
    }

    @Override
    public String describe() {
        return " dpdk vchan=" + vchan + " taken=" + (long) TAKEN.getOpaque(this) + " reaped="
            + (long) REAPED.getOpaque(this);
    }
}
