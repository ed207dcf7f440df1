package io.vhostdma.dma;

/**
 * Bit layout of the {@code long flags} argument of the enqueue methods.
 *
 * <pre>
 *  63        48 47        32 31            6   5   4   3   2   1   0
 * +------------+------------+---------------+---+---+---+---+---+---+
 * | dst handle | src handle |   reserved    |DHV|SHV| - |LLC|SUB|FEN|
 * +------------+------------+---------------+---+---+---+---+---+---+
 * </pre>
 *
 * <ul>
 * <li>{@link #FENCE}: the operation starts only after every earlier one on the channel completed. Both
 *     engines here execute strictly in order, so the fence always holds.</li>
 * <li>{@link #SUBMIT}: ring the doorbell right after enqueueing (as if {@link DmaChannel#submit()}).</li>
 * <li>{@link #LLC}: a cache-placement hint; accepted and ignored.</li>
 * <li>{@link #SRC_HANDLE} / {@link #DST_HANDLE}: the upper 32 bits carry the source / destination domain
 *     handles (as returned by access-group {@code handles()}); a guest-to-guest copy must carry both.</li>
 * </ul>
 */
public final class OpFlags {
    /** Order this operation after all earlier ones. */
    public static final long FENCE = 1L;
    /** Submit immediately after enqueueing. */
    public static final long SUBMIT = 1L << 1;
    /** Last-level-cache hint (ignored). */
    public static final long LLC = 1L << 2;
    /** Bits 32..47 hold a valid source domain handle. */
    public static final long SRC_HANDLE = 1L << 4;
    /** Bits 48..63 hold a valid destination domain handle. */
    public static final long DST_HANDLE = 1L << 5;

    private static final int SRC_SHIFT = 32;
    private static final int DST_SHIFT = 48;
    private static final long HANDLE_MASK = 0xFFFFL;

    private OpFlags() {
    }

    /**
     * Adds both domain handles (and their valid bits) to a flags value.
     *
     * @param flags     low flag bits
     * @param srcHandle source domain handle (16 bits)
     * @param dstHandle destination domain handle (16 bits)
     * @return flags with handles
     */
    public static long withHandles(long flags, int srcHandle, int dstHandle) {
        long low = flags & 0xFFFF_FFFFL;
        return low | SRC_HANDLE | DST_HANDLE
            | ((srcHandle & HANDLE_MASK) << SRC_SHIFT) | ((dstHandle & HANDLE_MASK) << DST_SHIFT);
    }

    /** @param flags op flags @return whether a source handle is present */
    public static boolean hasSrcHandle(long flags) {
        return (flags & SRC_HANDLE) != 0;
    }

    /** @param flags op flags @return whether a destination handle is present */
    public static boolean hasDstHandle(long flags) {
        return (flags & DST_HANDLE) != 0;
    }

    /** @param flags op flags @return the source domain handle bits */
    public static int srcHandle(long flags) {
        return (int) ((flags >>> SRC_SHIFT) & HANDLE_MASK);
    }

    /** @param flags op flags @return the destination domain handle bits */
    public static int dstHandle(long flags) {
        return (int) ((flags >>> DST_SHIFT) & HANDLE_MASK);
    }
}
