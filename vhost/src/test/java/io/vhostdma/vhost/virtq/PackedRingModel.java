package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.virtq.ModelChain.Pop;

/**
 * The reference model of the device side of a packed ring for {@link PackedRingFuzzTest}: the rules of
 * {@code docs/architecture.md} ("Ring layouts", the ring walk and the work budget) written plainly over byte
 * reads of guest memory. It predicts what {@link PackedVirtqueue#pop} returns: the buffer id with the chain's
 * pieces and the slots it takes, or a status. One model is one duty cycle (no refill).
 */
final class PackedRingModel {
    private final FuzzGuestMemory mem;
    private final int size;
    private final long descUva;
    private final boolean indirect;
    private int lastAvail;
    private boolean wrap;
    private int cycleLeft = SplitVirtqueue.CYCLE_DESCRIPTORS;
    private boolean exhausted;

    PackedRingModel(FuzzGuestMemory mem, int size, long descUva, boolean indirect, int lastAvail, boolean wrap) {
        this.mem = mem;
        this.size = size;
        this.descUva = descUva;
        this.indirect = indirect;
        this.lastAvail = lastAvail;
        this.wrap = wrap;
    }

    /** The avail position with its wrap counter in bit 15 (the queue's availMark). */
    int mark() {
        return lastAvail | (wrap ? 0x8000 : 0);
    }

    private long field(int slot, int off, int bytes) {
        return mem.readUva(descUva + 16L * slot + off, bytes);
    }

    Pop pop() {
        if (exhausted) {
            return Pop.error(PathStatus.OVER_BUDGET);
        }
        int headFlags = (int) field(lastAvail, 14, 2);
        boolean avail = (headFlags & 0x80) != 0;
        boolean used = (headFlags & 0x8000) != 0;
        if (avail != wrap || used == wrap) {
            return Pop.error(PathStatus.EMPTY);
        }
        Walk w = new Walk();
        int rc = w.run(headFlags);
        if (ModelChain.isBudget(rc)) {
            exhausted = true;
        }
        if (rc < 0) {
            return Pop.error(rc);
        }
        lastAvail += w.taken;
        if (lastAvail >= size) {
            lastAvail -= size;
            wrap = !wrap;
        }
        return w.accepted(w.id);
    }

    /** One chain walk. */
    private final class Walk extends ModelChain {
        int taken;
        int id;

        int run(int headFlags) {
            int slot = lastAvail;
            int flags = headFlags;
            while (true) {
                if (++taken > size) {
                    return PathStatus.ERR_CHAIN_LOOP;
                }
                descriptors++;
                long addr = field(slot, 0, 8);
                long len = field(slot, 8, 4);
                int descId = (int) field(slot, 12, 2);
                boolean isIndirect = (flags & 4) != 0;
                int rc = budget(len, isIndirect);
                if (rc == PathStatus.OK) {
                    rc = isIndirect ? table(flags, addr, len) : buffer(addr, len, (flags & 2) != 0);
                }
                if (rc != PathStatus.OK) {
                    return rc;
                }
                if ((flags & 1) == 0) {
                    if (descId >= size) {
                        return PathStatus.ERR_HEAD_RANGE;
                    }
                    id = descId;
                    return PathStatus.OK;
                }
                slot = slot + 1 == size ? 0 : slot + 1;
                flags = (int) field(slot, 14, 2);
            }
        }

        private int budget(long len, boolean pointer) {
            if (--cycleLeft < 0) {
                return PathStatus.OVER_BUDGET;
            }
            if (len != 0 && !pointer) {
                useful++;
            }
            return descriptors > SplitVirtqueue.FRAME_FACTOR * useful + SplitVirtqueue.FRAME_SLACK
                    ? PathStatus.FRAME_OVER_BUDGET : PathStatus.OK;
        }

        private int table(int flags, long addr, long len) {
            if (!indirect || (flags & 1) != 0 || len == 0 || len % 16 != 0 || len / 16 > size) {
                return PathStatus.ERR_INDIRECT;
            }
            if (Long.compareUnsigned(addr + len, addr) <= 0 || !mem.gpaMapped(addr, len)) {
                return PathStatus.ERR_ADDRESS;
            }
            for (int i = 0; i < len / 16; i++) {
                descriptors++;
                long a = mem.readGpa(addr + 16L * i, 8);
                long l = mem.readGpa(addr + 16L * i + 8, 4);
                int f = (int) mem.readGpa(addr + 16L * i + 14, 2);
                int rc = budget(l, false);
                if (rc == PathStatus.OK) {
                    rc = (f & 4) != 0 ? PathStatus.ERR_INDIRECT : buffer(a, l, (f & 2) != 0);
                }
                if (rc != PathStatus.OK) {
                    return rc;
                }
            }
            return PathStatus.OK;
        }
    }
}
