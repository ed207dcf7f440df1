package io.vhostdma.backend.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A worker's host buffers for DMA copies that may not join two guests directly (the default segment,
 * {@code forwarding: sink}, frames from another worker): a packet is staged into a slot and copied out
 * of it. The memory is vhostd's own (the DMA host domain) and is registered with every DMA device at
 * start-up. Each slot is a {@link Hold}: the holder that staged it plus one per copy reading it; it returns to
 * the free stack when the last one releases it. Worker-local, no synchronisation.
 */
final class StagingPool {
    /** Largest frame a slot holds (jumbo frames up to 9 KiB plus headroom). */
    static final int SLOT_BYTES = 10 * 1024;
    /** Slots per worker. */
    static final int SLOTS = 1024;
    private static final long PAGE = 4096;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate((long) SLOTS * SLOT_BYTES, PAGE);
    private final Slot[] free = new Slot[SLOTS];
    private int freeCount;

    StagingPool() {
        for (int i = 0; i < SLOTS; i++) {
            free[i] = new Slot(SLOTS - 1 - i);
        }
        freeCount = SLOTS;
    }

    /** The whole pool (for registration with the DMA layer). */
    MemorySegment memory() {
        return memory;
    }

    int freeSlots() {
        return freeCount;
    }

    /** Takes a slot held once (by the caller), or returns null when none is free. */
    Slot take() {
        if (freeCount == 0) {
            return null;
        }
        Slot s = free[--freeCount];
        s.holds = 1;
        return s;
    }

    void close() {
        arena.close();
    }

    /** One staging slot: {@link #SLOT_BYTES} of registered host memory. */
    final class Slot extends Hold {
        final int index;

        Slot(int index) {
            this.index = index;
        }

        /** Offset of the slot's first byte in {@link #memory()}. */
        long offset() {
            return (long) index * SLOT_BYTES;
        }

        /** The pool's memory. */
        MemorySegment memory() {
            return memory;
        }

        /** IOVA (= virtual address) of the slot's first byte. */
        long iova() {
            return memory.address() + offset();
        }

        @Override
        void lastReleased(DirtyList dirty) {
            free[freeCount++] = this;
        }
    }
}
