package io.vhostdma.backend.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A worker's host buffers for DMA copies that may not join two guests directly (the default segment,
 * {@code forwarding: sink}, frames from another worker): a packet is staged into a slot and copied out
 * of it. The memory is vhostd's own (the DMA host domain) and is registered with every DMA device at
 * start-up. Each slot carries a reference count: the holder that staged it plus one per copy reading
 * it; it returns to the free stack when the count drops to zero. Worker-local, no synchronisation.
 */
final class StagingPool {
    /** Largest frame a slot holds (jumbo frames up to 9 KiB plus headroom). */
    static final int SLOT_BYTES = Handoff.SLOT_BYTES;
    /** Slots per worker. */
    static final int SLOTS = 1024;
    private static final long PAGE = 4096;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate((long) SLOTS * SLOT_BYTES, PAGE);
    private final int[] free = new int[SLOTS];
    private final int[] refs = new int[SLOTS];
    private int freeCount;

    StagingPool() {
        for (int i = 0; i < SLOTS; i++) {
            free[i] = SLOTS - 1 - i;
        }
        freeCount = SLOTS;
    }

    /** The whole pool (for registration with the DMA layer). */
    MemorySegment memory() {
        return memory;
    }

    static long offset(int slot) {
        return (long) slot * SLOT_BYTES;
    }

    /** IOVA (= virtual address) of the first byte of {@code slot}. */
    long iova(int slot) {
        return memory.address() + offset(slot);
    }

    int freeSlots() {
        return freeCount;
    }

    /** Takes a slot with one reference (the caller's), or returns -1 when none is free. */
    int take() {
        if (freeCount == 0) {
            return -1;
        }
        int slot = free[--freeCount];
        refs[slot] = 1;
        return slot;
    }

    void ref(int slot) {
        refs[slot]++;
    }

    void unref(int slot) {
        if (--refs[slot] == 0) {
            free[freeCount++] = slot;
        }
    }

    void close() {
        arena.close();
    }
}
