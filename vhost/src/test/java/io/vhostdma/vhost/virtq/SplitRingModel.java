package io.vhostdma.vhost.virtq;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference model of the device side of a split ring for {@link SplitRingFuzzTest}: the virtio
 * rules and the hostile-guest rules of {@code docs/architecture.md} ("The duty cycle and the ring
 * walk", and the work budget), written as plainly as possible over byte reads of guest memory. It
 * predicts what {@link SplitVirtqueue#pop} must return, and the buffers of an accepted chain split at
 * region boundaries. The model never refills the cycle budget: one model is one duty cycle.
 */
final class SplitRingModel {
    /** One piece of an accepted chain: {@code len} bytes at {@code gpa}, device-writable or not. */
    record Piece(long gpa, long len, boolean writable) {
    }

    /** A predicted pop: the head (≥ 0) or an error code, and for a head the chain's pieces. */
    record Pop(int rc, List<Piece> pieces, int descriptors, long readable, long writable) {
    }

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
            return error(PathStatus.OVER_BUDGET);
        }
        if (lastAvail == shadowAvail) {
            int availIdx = (int) mem.readUva(availUva + 2, 2);
            int n = (availIdx - lastAvail) & 0xffff;
            if (n > size) {
                return error(PathStatus.ERR_AVAIL_IDX);
            }
            if (n == 0) {
                return error(PathStatus.EMPTY);
            }
            shadowAvail = availIdx;
        }
        int head = (int) mem.readUva(availUva + 4 + 2L * (lastAvail % size), 2);
        if (head >= size) {
            return error(PathStatus.ERR_HEAD_RANGE);
        }
        Walk w = new Walk();
        int rc = w.run(head);
        if (isBudget(rc)) {
            exhausted = true; // out of buffers for the cycle; the ring is not broken
        }
        if (rc != PathStatus.OK) {
            return error(rc);
        }
        lastAvail = (lastAvail + 1) & 0xffff;
        return new Pop(head, w.pieces, w.descriptors, w.readable, w.writable);
    }

    int lastAvail() {
        return lastAvail;
    }

    /** Whether {@code rc} is a budget status: nothing taken, the ring not broken. */
    static boolean isBudget(int rc) {
        return rc == PathStatus.OVER_BUDGET || rc == PathStatus.FRAME_OVER_BUDGET;
    }

    private static Pop error(int rc) {
        return new Pop(rc, List.of(), 0, 0, 0);
    }

    /** One chain walk. */
    private final class Walk {
        final List<Piece> pieces = new ArrayList<>();
        int descriptors;
        long readable;
        long writable;
        /** Descriptors that carried bytes (not zero-length, not an indirect pointer). */
        int useful;

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

        private int buffer(long gpa, long len, boolean isWritable) {
            if (len == 0) {
                return PathStatus.OK;
            }
            if (!isWritable && writable > 0) {
                return PathStatus.ERR_WRITE_ORDER;
            }
            if (Long.compareUnsigned(gpa + len, gpa) <= 0) {
                return PathStatus.ERR_ADDRESS;
            }
            if (readable + writable + len > DescriptorChain.MAX_TOTAL_BYTES) {
                return PathStatus.ERR_LENGTH;
            }
            for (long a = gpa, end = gpa + len; Long.compareUnsigned(a, end) < 0; ) {
                int r = FuzzGuestMemory.regionOfGpa(a);
                if (r < 0) {
                    return PathStatus.ERR_ADDRESS;
                }
                if (pieces.size() == DescriptorChain.MAX_SEGMENTS) {
                    return PathStatus.ERR_CHAIN_TOO_LONG;
                }
                long piece = Math.min(end - a, FuzzGuestMemory.GPA[r] + FuzzGuestMemory.REGION - a);
                pieces.add(new Piece(a, piece, isWritable));
                a += piece;
            }
            if (isWritable) {
                writable += len;
            } else {
                readable += len;
            }
            return PathStatus.OK;
        }
    }
}
