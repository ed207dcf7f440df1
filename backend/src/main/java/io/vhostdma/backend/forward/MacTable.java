package io.vhostdma.backend.forward;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, open-addressing MAC → port table. Each slot is one {@code long}: the 48-bit MAC in
 * the upper bits and {@code port + 1} in the low 16 bits (0 = empty), so an entry is published with
 * a single atomic store ({@code setRelease}) and read with {@code getAcquire}: a reader sees either
 * the old or the new entry, never a torn one. Writers are the workers (learning) and the control
 * plane ({@link #forgetPort(int)}); a lost race only costs a flood.
 */
public final class MacTable {
    /** Returned by {@link #lookup(long)} when the MAC is unknown. */
    public static final int UNKNOWN = -1;
    private static final int PROBES = 8;
    private final AtomicLongArray slots;
    private final int mask;

    /** @param capacity number of slots, a power of two */
    public MacTable(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: capacity=" + capacity);
        }
        this.slots = new AtomicLongArray(capacity);
        this.mask = capacity - 1;
    }

    /** Records that {@code mac} (48 bits) was seen on {@code port} (0..65534). */
    public void learn(long mac, int port) {
        long entry = (mac << 16) | (port + 1);
        int start = hash(mac);
        int free = -1;
        for (int i = 0; i < PROBES; i++) {
            int s = (start + i) & mask;
            long cur = slots.getAcquire(s);
            if (cur == 0) {
                if (free < 0) {
                    free = s;
                }
            } else if ((cur >>> 16) == mac) {
                if (cur != entry) {
                    slots.setRelease(s, entry); // the station moved
                }
                return;
            }
        }
        // no entry for this MAC: take the first free slot, else evict the home slot
        slots.setRelease(free >= 0 ? free : start, entry);
    }

    /** The port {@code mac} was last seen on, or {@link #UNKNOWN}. */
    public int lookup(long mac) {
        int start = hash(mac);
        for (int i = 0; i < PROBES; i++) {
            long cur = slots.getAcquire((start + i) & mask);
            if (cur != 0 && (cur >>> 16) == mac) {
                return (int) (cur & 0xffff) - 1;
            }
        }
        return UNKNOWN;
    }

    /** Removes every entry pointing at {@code port} (the port went down). */
    public void forgetPort(int port) {
        for (int s = 0; s <= mask; s++) {
            long cur = slots.getAcquire(s);
            if (cur != 0 && (int) (cur & 0xffff) - 1 == port) {
                slots.compareAndSet(s, cur, 0);
            }
        }
    }

    private int hash(long mac) {
        long h = mac * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
