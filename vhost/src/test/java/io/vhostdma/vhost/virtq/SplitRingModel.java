package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.virtq.ModelChain.Pop;

/**
 * The reference model of the device side of a split ring for {@link SplitRingFuzzTest}: the virtio
 * rules and the hostile-guest rules of {@code docs/architecture.md} ("The duty cycle and the ring
 * walk", and the work budget), written as plainly as possible over byte reads of guest memory. It
 * predicts what {@link SplitVirtqueue#pop} must return, and the buffers of an accepted chain split at
 * region boundaries. The model never refills the cycle budget: one model is one duty cycle.
 */
final class SplitRingModel {
    private final FuzzGuestMemory mem;
    private final int size;
    private final long descUva;
    private final long availUva;
    private final boolean indirect;
    private int lastAvail;
    /** avail.idx as last read: like the device, the model reads it again only once it caught up. */
    private int shadowAvail;
    /** Descriptors the ring may still walk in this duty cycle. */
    private int cycleLeft = SplitVirtqueue.CYCLE_DESCRIPTORS;
    /** A budget tripped: every later pop of the cycle is {@link PathStatus#OVER_BUDGET}. */
    private boolean exhausted;

    SplitRingModel(FuzzGuestMemory mem, int size, long descUva, long availUva, boolean indirect, int lastAvail) {
        this.mem = mem;
        this.size = size;
        this.descUva = descUva;
        this.availUva = availUva;
        this.indirect = indirect;
        this.lastAvail = lastAvail;
        this.shadowAvail = lastAvail;
    }

    /** What the next pop returns; advances last_avail_idx when it returns a head. */
    Pop pop() {
        if (exhausted) {
            return Pop.error(PathStatus.OVER_BUDGET);
        }
        if (lastAvail == shadowAvail) {
            int availIdx = (int) mem.readUva(availUva + 2, 2);
            int n = (availIdx - lastAvail) & 0xffff;
            if (n > size) {
                return Pop.error(PathStatus.ERR_AVAIL_IDX);
            }
            if (n == 0) {
                return Pop.error(PathStatus.EMPTY);
            }
            shadowAvail = availIdx;
        }
        int head = (int) mem.readUva(availUva + 4 + 2L * (lastAvail % size), 2);
        if (head >= size) {
            return Pop.error(PathStatus.ERR_HEAD_RANGE);
        }
        Walk w = new Walk();
        int rc = w.run(head);
        if (ModelChain.isBudget(rc)) {
            exhausted = true; // out of buffers for the cycle; the ring is not broken
        }
        if (rc != PathStatus.OK) {
            return Pop.error(rc);
        }
        lastAvail = (lastAvail + 1) & 0xffff;
        return w.accepted(head);
    }

    int lastAvail() {
        return lastAvail;
    }

    /** One chain walk. */
    private final class Walk extends ModelChain {

        int run(int head) {
            boolean inTable = false;
            long tableGpa = 0;
            int entries = size;
            int idx = head;
            for (int visited = 1; ; visited++) {
                if (visited > entries) {
                    return PathStatus.ERR_CHAIN_LOOP;
                }
                if (--cycleLeft < 0) {
                    return PathStatus.OVER_BUDGET;
                }
                descriptors++;
                long addr = inTable ? mem.readGpa(tableGpa + 16L * idx, 8) : mem.readUva(descUva + 16L * idx, 8);
                long len = inTable ? mem.readGpa(tableGpa + 16L * idx + 8, 4) : mem.readUva(descUva + 16L * idx + 8, 4);
                int flags = (int) (inTable ? mem.readGpa(tableGpa + 16L * idx + 12, 2) : mem.readUva(descUva + 16L * idx + 12, 2));
                int next = (int) (inTable ? mem.readGpa(tableGpa + 16L * idx + 14, 2) : mem.readUva(descUva + 16L * idx + 14, 2));
                if (len != 0 && (flags & SplitRingLayout.F_INDIRECT) == 0) {
                    useful++;
                }
                if (descriptors > SplitVirtqueue.FRAME_FACTOR * useful + SplitVirtqueue.FRAME_SLACK) {
                    return PathStatus.FRAME_OVER_BUDGET;
                }
                if ((flags & SplitRingLayout.F_INDIRECT) != 0) {
                    if (!indirect || inTable || (flags & SplitRingLayout.F_NEXT) != 0
                            || len == 0 || len % 16 != 0 || len / 16 > size) {
                        return PathStatus.ERR_INDIRECT;
                    }
                    if (Long.compareUnsigned(addr + len, addr) <= 0 || !mem.gpaMapped(addr, len)) {
                        return PathStatus.ERR_ADDRESS;
                    }
                    inTable = true;
                    tableGpa = addr;
                    entries = (int) (len / 16);
                    idx = 0;
                    visited = 0;
                    continue;
                }
                int rc = buffer(addr, len, (flags & SplitRingLayout.F_WRITE) != 0);
                if (rc != PathStatus.OK || (flags & SplitRingLayout.F_NEXT) == 0) {
                    return rc;
                }
                if (next >= entries) {
                    return PathStatus.ERR_NEXT_RANGE;
                }
                idx = next;
            }
        }
    }
}
