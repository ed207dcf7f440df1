package io.vhostdma.vhost.virtq;

/**
 * Free-running 16-bit virtqueue index arithmetic, in one place.
 *
 * <p>Ring indexes ({@code avail.idx}, {@code used.idx}, {@code last_avail_idx}) are u16 values that wrap; the slot
 * of index {@code i} in a ring of power-of-two size {@code num} is {@code i & (num - 1)}. Example with num = 256:
 * last_avail = 65530 and avail.idx = 4 give {@code distance(65530, 4) = 10} new entries, in slots 250..255, 0..3.
 * All methods take and return values in {@code 0..0xFFFF}; inputs outside are masked.
 */
public final class VirtqIndex {

    /** Mask of a 16-bit index. */
    public static final int MASK = 0xFFFF;

    private VirtqIndex() {
    }

    /** Entries from {@code from} up to (not including) {@code to}: {@code (u16)(to - from)}. */
    public static int distance(int from, int to) {
        return (to - from) & MASK;
    }

    /** {@code (u16)(idx + n)}; {@code n} may be negative. */
    public static int add(int idx, int n) {
        return (idx + n) & MASK;
    }

    /** Ring slot of {@code idx} for a power-of-two {@code size}. */
    public static int slot(int idx, int size) {
        return idx & (size - 1);
    }

    /**
     * The virtio event-index test: true when moving an index from {@code oldIdx} to {@code newIdx} crossed
     * {@code event}, i.e. {@code event} lies in {@code [oldIdx, newIdx)} modulo 2^16:
     * {@code (u16)(new - event - 1) < (u16)(new - old)}.
     */
    public static boolean needEvent(int event, int newIdx, int oldIdx) {
        return ((newIdx - event - 1) & MASK) < ((newIdx - oldIdx) & MASK);
    }
}
