package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

import static io.vhostdma.vhost.virtq.SplitRingLayout.DESC_ADDR;
import static io.vhostdma.vhost.virtq.SplitRingLayout.DESC_FLAGS;
import static io.vhostdma.vhost.virtq.SplitRingLayout.DESC_LEN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.DESC_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.DESC_SIZE;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U16_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U64_PLAIN;

/**
 * The descriptor-table side of a {@link SplitVirtqueue}: the pop's walk of a chain (loop guard, indirect tables, the
 * per-frame and per-cycle descriptor budgets — {@link SplitVirtqueue#FRAME_FACTOR},
 * {@link SplitVirtqueue#CYCLE_DESCRIPTORS}) and the write log's second walk of a used chain. Owned by the ring's
 * owner thread; allocation-free after {@link #attach}.
 */
final class SplitChainWalker {
    private MemorySegment desc;
    private int size;
    private boolean indirect;
    /**
     * The table the ring was attached with, kept only so that the write log can walk a used chain's indirect table
     * again ({@link #logChain}); forgotten at {@link #detach}, like the ring parts sliced from it.
     */
    private GuestMemory memory;
    private final IndirectTable indirectTable = new IndirectTable();

    /** The cycle's and the frame's descriptor budgets (a frame's chains share one frame budget). */
    private final WalkBudget budget = new WalkBudget();

    /** Walks the descriptor table {@code table} of a ring of {@code ringSize} in {@code mem} (control plane). */
    void attach(GuestMemory mem, MemorySegment table, int ringSize, boolean indirectDesc) {
        if (indirectDesc) {
            indirectTable.reserve(ringSize);
        }
        desc = table;
        size = ringSize;
        indirect = indirectDesc;
        memory = mem;
    }

    /** Forgets the table (before the memory it lies in is unmapped). */
    void detach() {
        desc = null;
        memory = null;
    }

    /** Starts a frame: its chains share one frame budget. */
    void startFrame() {
        budget.startFrame();
    }

    /** Whether a budget tripped in this cycle. */
    boolean exhausted() {
        return budget.exhausted();
    }

    /** A budget tripped: out of buffers until {@link #refill()}. */
    void trip() {
        budget.trip();
    }

    /** A new duty cycle: {@link SplitVirtqueue#CYCLE_DESCRIPTORS} descriptors again. */
    void refill() {
        budget.refill();
    }

    /** Walks the chain starting at {@code head}; every guest field is read once into a local. */
    int walk(GuestMemory mem, int head, DescriptorChain out) {
        out.reset(head);
        MemorySegment table = desc;
        long base = 0;
        int entries = size;
        boolean inIndirect = false;
        int idx = head;
        int walked = 0;
        while (true) {
            if (++walked > entries) {
                return PathStatus.ERR_CHAIN_LOOP;
            }
            out.countDescriptor();
            long off = base + idx * DESC_SIZE;
            // plain reads: the driver wrote the descriptor before its release store of avail.idx (SplitVirtqueue.pending)
            long addr = table.get(U64_PLAIN, off + DESC_ADDR);
            long len = table.get(U32_PLAIN, off + DESC_LEN) & 0xFFFF_FFFFL;
            int flags = table.get(U16_PLAIN, off + DESC_FLAGS) & VirtqIndex.MASK;
            int next = table.get(U16_PLAIN, off + DESC_NEXT) & VirtqIndex.MASK;
            int spent = budget.descriptor(len, (flags & F_INDIRECT) != 0); // cycle, then frame budget
            if (spent != PathStatus.OK) {
                return spent;
            }
            if ((flags & F_INDIRECT) != 0) {
                int rc = enterIndirect(mem, inIndirect, flags, addr, len);
                if (rc != PathStatus.OK) {
                    return rc;
                }
                table = indirectTable.table();
                base = indirectTable.base();
                entries = (int) (len / DESC_SIZE);
                inIndirect = true;
                idx = 0;
                walked = 0;
                continue;
            }
            int rc = out.addBuffer(mem, addr, len, (flags & F_WRITE) != 0);
            if (rc != PathStatus.OK) {
                return rc;
            }
            if ((flags & F_NEXT) == 0) {
                return PathStatus.OK;
            }
            if (next >= entries) {
                return PathStatus.ERR_NEXT_RANGE;
            }
            idx = next;
        }
    }

    /** Validates an indirect descriptor and points {@link #indirectTable} at its table. */
    private int enterIndirect(GuestMemory mem, boolean inIndirect, int flags, long addr, long len) {
        if (!indirect || inIndirect || (flags & F_NEXT) != 0) {
            return PathStatus.ERR_INDIRECT;
        }
        return indirectTable.enter(mem, addr, len, size);
    }

    /**
     * Reports the guest ranges of chain {@code head}'s first {@code len} written bytes to the write log: walks the
     * chain again (the driver may not touch it until the used element is published) with the same loop guard and
     * indirect rules as {@link #walk}, and stops quietly at anything {@link #walk} would have refused — a guest
     * that rewrote its own chain since the pop only loses dirty bits of its own memory.
     */
    void logChain(int head, long len, WriteLog log) {
        MemorySegment table = desc;
        long base = 0;
        int entries = size;
        boolean inIndirect = false;
        int idx = head;
        for (int walked = 0; len > 0 && head < size && ++walked <= entries; ) {
            long off = base + idx * DESC_SIZE;
            // plain reads: the descriptor is the device's until its used element is published
            long addr = table.get(U64_PLAIN, off + DESC_ADDR);
            long dlen = table.get(U32_PLAIN, off + DESC_LEN) & 0xFFFF_FFFFL;
            int flags = table.get(U16_PLAIN, off + DESC_FLAGS) & VirtqIndex.MASK;
            int next = table.get(U16_PLAIN, off + DESC_NEXT) & VirtqIndex.MASK;
            if ((flags & F_INDIRECT) != 0) {
                if (enterIndirect(memory, inIndirect, flags, addr, dlen) != PathStatus.OK) {
                    return;
                }
                table = indirectTable.table();
                base = indirectTable.base();
                entries = (int) (dlen / DESC_SIZE);
                inIndirect = true;
                idx = 0;
                walked = 0;
                continue;
            }
            if ((flags & F_WRITE) != 0 && dlen != 0) {
                long piece = Math.min(dlen, len);
                log.guestWritten(addr, piece);
                len -= piece;
            }
            if ((flags & F_NEXT) == 0 || next >= entries) {
                return;
            }
            idx = next;
        }
    }
}
