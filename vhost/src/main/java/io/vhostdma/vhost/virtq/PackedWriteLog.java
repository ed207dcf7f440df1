package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;

import java.util.Arrays;

/**
 * What a {@link PackedVirtqueue} reports to its {@link WriteLog} (dirty logging for live migration), by guest-physical
 * address: the used descriptors it writes into the descriptor ring, the device event area, and the bytes written
 * into each chain's buffers.
 *
 * <p>A used descriptor may overwrite the ring slot of a chain still in flight, so a packed chain cannot be walked
 * again by its id when its used element is added (as the split ring does). Instead the writable ranges of every
 * chain are recorded here when it is popped ({@link #taken}) — whether logging is on or not, since logging may be
 * switched on while chains are in flight — and reported up to the used length when its used descriptor is written
 * ({@link #used}). The ranges live in a preallocated pool of nodes, one list per buffer id; a chain whose ranges do
 * not fit the free nodes is not taken (the ring is out of buffers until completions free nodes, like a spent
 * descriptor budget). Capacity: 4 ranges per ring slot plus two chains' worth ({@link DescriptorChain#MAX_SEGMENTS})
 * — a direct chain takes a slot per descriptor, so only indirect chains with many writable entries can run short.
 *
 * <p>The ring parts are reported at their guest-physical addresses, translated from their user addresses at
 * {@link #attach}: for a packed ring QEMU's {@code log_guest_addr} names the device event area, not the descriptor
 * ring the used descriptors are written to. Owned by the ring's owner thread; allocation-free after {@link #attach}.
 */
final class PackedWriteLog {
    private static final int END = -1;
    private static final long UNMAPPED = -1L;

    private WriteLog log = WriteLog.NONE;
    private long descGpa = UNMAPPED;
    private long deviceGpa = UNMAPPED;

    /** Node pool: range start and length, next node; {@code first[id]} heads the list of chain {@code id}. */
    private long[] gpa = new long[0];
    private long[] len = new long[0];
    private int[] next = new int[0];
    private int[] first = new int[0];
    private int freeHead = END;
    private int freeCount;

    /** Sets the log the ring reports to. */
    void to(WriteLog newLog) {
        log = newLog;
    }

    /** Whether writes are logged now. */
    boolean enabled() {
        return log.enabled();
    }

    /**
     * Translates the descriptor ring and the device area to guest-physical addresses and sizes the pool for a ring
     * of {@code size} (control plane; allocates when the size changed, which also forgets every recorded chain).
     */
    void attach(GuestMemory mem, long descUva, long deviceUva, int size) {
        descGpa = gpaOf(mem, descUva);
        deviceGpa = gpaOf(mem, deviceUva);
        if (first.length != size) {
            int nodes = 4 * size + 2 * DescriptorChain.MAX_SEGMENTS;
            gpa = new long[nodes];
            len = new long[nodes];
            next = new int[nodes];
            first = new int[size];
            restart();
        }
    }

    private static long gpaOf(GuestMemory mem, long uva) {
        int r = mem.regionOfUva(uva);
        if (r < 0) {
            return UNMAPPED;
        }
        GuestRegion region = mem.region(r);
        return region.gpa() + (uva - region.uva());
    }

    /** Forgets every recorded chain (a ring started afresh). */
    void restart() {
        Arrays.fill(first, END);
        for (int i = 0; i < next.length; i++) {
            next[i] = i + 1 < next.length ? i + 1 : END;
        }
        freeHead = next.length > 0 ? 0 : END;
        freeCount = next.length;
    }

    /**
     * Records the writable ranges of chain {@code chain}, just popped with buffer id {@code id} (forgetting what
     * an earlier chain with that id left: a rewound pop taken again, or a driver reusing an id in flight).
     *
     * @return false when the free nodes cannot hold them (nothing recorded; the caller does not take the chain)
     */
    boolean taken(int id, DescriptorChain chain) {
        returned(id);
        int n = chain.writableRanges();
        if (n > freeCount) {
            return false;
        }
        int tail = END;
        for (int i = 0; i < n; i++) {
            int node = freeHead;
            freeHead = next[node];
            gpa[node] = chain.writableGpa(i);
            len[node] = chain.writableLength(i);
            next[node] = END;
            if (tail == END) {
                first[id] = node;
            } else {
                next[tail] = node;
            }
            tail = node;
        }
        freeCount -= n;
        return true;
    }

    /**
     * Chain {@code id}'s used descriptor is being written with {@code length} bytes: reports its first
     * {@code length} writable bytes to the log (when logging) and frees its record.
     */
    void used(int id, int length) {
        if (log.enabled()) {
            long left = length & 0xFFFF_FFFFL;
            for (int node = first[id]; node != END && left > 0; node = next[node]) {
                long piece = Math.min(len[node], left);
                log.guestWritten(gpa[node], piece);
                left -= piece;
            }
        }
        returned(id);
    }

    /** Frees chain {@code id}'s record without reporting it (returned unwritten, or forgotten). */
    void returned(int id) {
        int node = first[id];
        if (node == END) {
            return;
        }
        first[id] = END;
        int n = 1;
        int tail = node;
        while (next[tail] != END) {
            tail = next[tail];
            n++;
        }
        next[tail] = freeHead;
        freeHead = node;
        freeCount += n;
    }

    /** Free nodes (for tests). */
    int freeNodes() {
        return freeCount;
    }

    /** The used descriptor at ring slot {@code slot} was written (id, len, and next its flags). */
    void descriptorWritten(int slot) {
        if (descGpa != UNMAPPED) {
            log.guestWritten(descGpa + PackedRingLayout.desc(slot), PackedRingLayout.DESC_SIZE);
        }
    }

    /** The device event area was written (notification suppression): reported and flushed at once. */
    void deviceAreaWritten() {
        if (log.enabled()) {
            if (deviceGpa != UNMAPPED) {
                log.guestWritten(deviceGpa, PackedRingLayout.EVENT_SIZE);
            }
            log.flush();
        }
    }

    /** Everything reported must reach the log: right before the release stores that publish it. */
    void flush() {
        log.flush();
    }
}
