package io.vhostdma.vhost.virtq;

import java.lang.foreign.MemorySegment;

import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_SIZE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;

/**
 * The used descriptors of a {@link PackedVirtqueue} whose id and len are written and whose flags are not yet
 * stored: their slots and flags in the order they were added. Owner-local; sized at attach.
 */
final class PackedUsedFlags {
    private int[] slot = new int[0];
    private short[] flags = new short[0];
    private int count;

    /** Room for {@code size} entries (control plane; allocates when the size changed). */
    void size(int size) {
        if (slot.length != size) {
            slot = new int[size];
            flags = new short[size];
        }
        count = 0;
    }

    boolean full() {
        return count == slot.length;
    }

    void add(int s, int f) {
        slot[count] = s;
        flags[count] = (short) f;
        count++;
    }

    /**
     * Stores the flags of every entry, the later ones first and the first one last, each with release; reports
     * the descriptors to {@code log} first and flushes it (with the buffers reported since the last publish), so the
     * dirty bits are in the bitmap before any flag makes a write visible. Returns how many were published.
     */
    int publish(MemorySegment desc, PackedWriteLog log) {
        int n = count;
        if (n != 0 && log.enabled()) {
            for (int i = 0; i < n; i++) {
                log.descriptorWritten(slot[i]);
            }
            log.flush();
        }
        for (int i = n - 1; i >= 0; i--) {
            // release: id, len and the packet data of this (and every earlier-added) descriptor become visible
            // before its flags mark it used; the first one goes last, so a driver polling its next used slot
            // never sees a later one before it
            U16_ATOMIC.setRelease(desc, PackedRingLayout.desc(slot[i]) + DESC_FLAGS, flags[i]);
        }
        count = 0;
        return n;
    }
}
