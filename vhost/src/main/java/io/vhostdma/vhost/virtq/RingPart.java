package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

/** Translates a ring part (a split ring's desc/avail/used, a packed ring's descriptor ring or event area). */
final class RingPart {
    private RingPart() {
    }

    /**
     * The host view of {@code bytes} at user address {@code uva}, or null when {@code uva} is not aligned to
     * {@code align}, the part is not inside one region, or its host address is not aligned (control plane;
     * allocates a slice).
     */
    static MemorySegment slice(GuestMemory mem, long uva, long bytes, int align) {
        if ((uva & (align - 1)) != 0) {
            return null;
        }
        MemorySegment s = mem.uvaSlice(uva, bytes);
        return s == null || (s.address() & (align - 1)) != 0 ? null : s;
    }
}
