package io.vhostdma.backend.forward;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, open-addressing MAC → port table with a learned-MAC limit per port and aging.
 *
 * <p>Each slot is one {@code long}: the 48-bit MAC in the upper bits and {@code port + 1} in the low
 * 16 bits (0 = empty). Every change of a slot is one {@code compareAndSet} from the exact value read,
 * and adjusts the per-port entry counts of the ports in the old and new value, so a port's count is
 * always the number of slots naming it (plus reservations in flight) and can be held to its limit
 * without a lock. Readers use {@code getAcquire}: a reader sees either the old or the new entry,
 * never a torn one. Writers are the workers (learning) and the control plane ({@link #forgetPort},
 * {@link #tick}); a lost race only costs a flood.
 *
 * <p>Learning never takes a slot from another port's live entry: a new MAC goes to a free slot or
 * one whose entry has aged out, within its {@value #PROBES}-slot probe window, and only while its
 * port holds fewer than its limit of entries. So a guest sending from a million source MACs fills
 * at most its own limit, evicts nobody and allocates nothing. An entry ages out
 * {@code agingSeconds} after it was last seen: from then on lookups miss it (the frame floods) and
 * the next {@link #tick} frees it.
 *
 * <p>Time is a coarse clock in whole seconds that {@link #tick} advances (once a second from the
 * control plane), so the per-packet path makes no system call.
 */
public final class MacTable {
    /** Returned by {@link #lookup(long)} when the MAC is unknown (or aged out). */
    public static final int UNKNOWN = -1;
    /** {@link #learn}: learned, refreshed, moved, or a lost race (the next frame retries); nothing to count. */
    public static final int LEARNED = 0;
    /** {@link #learn}: not learned, the port holds its limit of entries. */
    public static final int OVER_LIMIT = 1;
    /** {@link #learn}: not learned, every slot of the MAC's probe window holds another live entry. */
    public static final int TABLE_FULL = 2;
    /** Port ids the table can hold (16 bits, one value for "empty"). */
    public static final int MAX_PORTS = 65535;
    /** Default learned-MAC limit of a port ({@code mac-limit}). */
    public static final int DEFAULT_LIMIT = 1024;
    /** Default aging time in seconds ({@code mac-aging-time}, as in Open vSwitch). */
    public static final int DEFAULT_AGING_SECONDS = 300;
    private static final int PROBES = 8;
    private static final int MIN_CAPACITY = 4096;
    private static final int MAX_CAPACITY = 1 << 20;

    private final AtomicLongArray slots;
    /** Per slot: the clock second its entry was last seen. Written before the entry is published. */
    private final AtomicIntegerArray seen;
    /** Per port: entries naming it, plus reservations not yet published. */
    private final AtomicIntegerArray learned = new AtomicIntegerArray(MAX_PORTS);
    /** Per port: its limit, 0 = {@link #DEFAULT_LIMIT}. */
    private final AtomicIntegerArray limits = new AtomicIntegerArray(MAX_PORTS);
    private final AtomicInteger clock = new AtomicInteger();
    private final int mask;
    private final int agingSeconds;
    private final long startNanos;

    /**
     * @param capacity     number of slots, a power of two
     * @param agingSeconds seconds after which an entry not seen again ages out, at least 1
     * @param startNanos   {@link System#nanoTime()} at clock second 0
     */
    public MacTable(int capacity, int agingSeconds, long startNanos) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: capacity=" + capacity);
        }
        if (agingSeconds < 1) {
            throw new IllegalArgumentException("aging time must be at least 1 s: agingSeconds=" + agingSeconds);
        }
        this.slots = new AtomicLongArray(capacity);
        this.seen = new AtomicIntegerArray(capacity);
        this.mask = capacity - 1;
        this.agingSeconds = agingSeconds;
        this.startNanos = startNanos;
    }

    /**
     * Slots for ports whose limits add up to {@code totalLimit}: four per entry (the probe windows
     * stay mostly free), a power of two within 4096..1048576.
     */
    public static int capacityFor(long totalLimit) {
        long want = Math.min(Math.max(4 * totalLimit, MIN_CAPACITY), MAX_CAPACITY);
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /** Sets the learned-MAC limit of {@code port} (before its first frame; release: read by workers). */
    public void limit(int port, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("mac limit must be at least 1: port=" + port + " limit=" + limit);
        }
        limits.setRelease(port, limit);
    }

    /** The learned-MAC limit of {@code port}. */
    public int limit(int port) {
        int l = limits.getAcquire(port);
        return l == 0 ? DEFAULT_LIMIT : l;
    }

    /** Entries {@code port} holds now (aged-out ones until the next {@link #tick}). */
    public int learnedCount(int port) {
        return learned.getOpaque(port);
    }

    /** The clock, in whole seconds since {@code startNanos}. */
    public int now() {
        // opaque: a coarse clock; a worker seeing the previous second only delays aging by a second
        return clock.getOpaque();
    }

    /**
     * Records that {@code mac} (48 bits) was seen on {@code port} (0..65534). Allocation-free.
     *
     * @return {@link #LEARNED}, {@link #OVER_LIMIT} or {@link #TABLE_FULL}
     */
    public int learn(long mac, int port) {
        int now = now();
        long entry = (mac << 16) | (port + 1);
        int start = hash(mac);
        int free = -1;
        long freeWas = 0;
        for (int i = 0; i < PROBES; i++) {
            int s = (start + i) & mask;
            // acquire: pairs with the CAS that published the entry (and the seen[] store before it)
            long cur = slots.getAcquire(s);
            if (cur != 0 && (cur >>> 16) == mac) {
                return cur == entry ? refresh(s, now) : move(s, cur, entry, port, now);
            }
            if (free < 0 && (cur == 0 || expired(s, now))) {
                free = s;
                freeWas = cur;
            }
        }
        if (free < 0) {
            return TABLE_FULL;
        }
        if (!reserve(port)) {
            return OVER_LIMIT;
        }
        return publish(free, freeWas, entry, port, now);
    }

    /** The port {@code mac} was last seen on, or {@link #UNKNOWN} (also when its entry aged out). Allocation-free. */
    public int lookup(long mac) {
        int now = now();
        int start = hash(mac);
        for (int i = 0; i < PROBES; i++) {
            int s = (start + i) & mask;
            // acquire: pairs with the CAS that published the entry
            long cur = slots.getAcquire(s);
            if (cur != 0 && (cur >>> 16) == mac) {
                return expired(s, now) ? UNKNOWN : portOf(cur);
            }
        }
        return UNKNOWN;
    }

    /** Removes every entry pointing at {@code port} (the port went down or changed segment). */
    public void forgetPort(int port) {
        for (int s = 0; s <= mask; s++) {
            long cur = slots.getAcquire(s);
            if (cur != 0 && portOf(cur) == port) {
                remove(s, cur);
            }
        }
    }

    /**
     * Advances the clock to {@code nanoTime} and frees every entry that aged out (control plane, once
     * a second). Returns the number of entries freed.
     */
    public int tick(long nanoTime) {
        int now = (int) Math.max(0, (nanoTime - startNanos) / 1_000_000_000L);
        // release: a worker reading the new second (opaque) needs nothing else from this thread
        clock.setRelease(Math.max(now, clock.getPlain()));
        int freed = 0;
        for (int s = 0; s <= mask; s++) {
            long cur = slots.getAcquire(s);
            if (cur != 0 && expired(s, now) && remove(s, cur)) {
                freed++;
            }
        }
        return freed;
    }

    private int refresh(int s, int now) {
        // opaque: a hint; a lost refresh only makes the entry look up to a second older
        if (seen.getOpaque(s) != now) {
            seen.setOpaque(s, now);
        }
        return LEARNED;
    }

    /** The station moved to {@code port}: take over its slot if {@code port} may hold one more entry. */
    private int move(int s, long cur, long entry, int port, int now) {
        if (!reserve(port)) {
            return OVER_LIMIT;
        }
        return publish(s, cur, entry, port, now);
    }

    /** Puts {@code entry} (reserved for {@code port}) into slot {@code s} if it still holds {@code was}. */
    private int publish(int s, long was, long entry, int port, int now) {
        // release, then the CAS below (a full barrier) publishes it: a reader acquiring the entry sees this time
        seen.setRelease(s, now);
        if (slots.compareAndSet(s, was, entry)) {
            if (was != 0) {
                learned.getAndDecrement(portOf(was));
            }
            return LEARNED;
        }
        learned.getAndDecrement(port); // another writer changed the slot first: the next frame retries
        return LEARNED;
    }

    private boolean remove(int s, long cur) {
        if (slots.compareAndSet(s, cur, 0)) {
            learned.getAndDecrement(portOf(cur));
            return true;
        }
        return false;
    }

    /** Counts one more entry for {@code port} unless it holds its limit. */
    private boolean reserve(int port) {
        int limit = limit(port);
        while (true) {
            // plain read for the first try; the CAS checks it
            int n = learned.getPlain(port);
            if (n >= limit) {
                return false;
            }
            if (learned.compareAndSet(port, n, n + 1)) {
                return true;
            }
        }
    }

    private boolean expired(int s, int now) {
        // opaque: ordered after the caller's acquire of the slot, which the writer's seen[] store precedes
        return now - seen.getOpaque(s) >= agingSeconds;
    }

    private static int portOf(long entry) {
        return (int) (entry & 0xffff) - 1;
    }

    private int hash(long mac) {
        long h = mac * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
