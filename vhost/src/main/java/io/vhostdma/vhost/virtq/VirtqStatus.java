package io.vhostdma.vhost.virtq;

/**
 * Status codes of the virtqueue data path: {@link #OK}, {@link #EMPTY}, the two budget statuses
 * ({@link #OVER_BUDGET}, {@link #FRAME_OVER_BUDGET}: not errors), and negative errors from -2 to -14.
 * An error code marks the ring broken (§13 of the fact sheet): it stays broken until reconfigured.
 */
public final class VirtqStatus {

    /** Success. */
    public static final int OK = 0;
    /** Nothing available (not an error). */
    public static final int EMPTY = -1;
    /** {@code (u16)(avail.idx - last_avail_idx) > num}. */
    public static final int ERR_AVAIL_IDX = -2;
    /** Head index from the avail ring {@code >= num}. */
    public static final int ERR_HEAD_RANGE = -3;
    /** A descriptor's {@code next} is outside the descriptor table. */
    public static final int ERR_NEXT_RANGE = -4;
    /** The chain has more descriptors than its table has entries (a loop). */
    public static final int ERR_CHAIN_LOOP = -5;
    /** A buffer's range overflows 64 bits or is not fully inside guest memory. */
    public static final int ERR_ADDRESS = -6;
    /** An indirect descriptor breaks the rules (not negotiated, NEXT set, nested, bad length, bad table). */
    public static final int ERR_INDIRECT = -7;
    /** The chain needs more than {@link DescriptorChain#MAX_SEGMENTS} segments. */
    public static final int ERR_CHAIN_TOO_LONG = -8;
    /** A device-readable descriptor follows a device-writable one. */
    public static final int ERR_WRITE_ORDER = -9;
    /** The chain's total length exceeds 2^32 - 1 bytes. */
    public static final int ERR_LENGTH = -10;
    /** A ring part does not translate completely into one region, or is misaligned. */
    public static final int ERR_RING_ADDRESS = -11;
    /** The ring size is not a power of two in 1..32768. */
    public static final int ERR_RING_SIZE = -12;
    /** The ring is not attached to guest memory. */
    public static final int ERR_NOT_ATTACHED = -13;
    /** A chain has buffers of the wrong direction for its queue (e.g. writable in TX, readable in RX). */
    public static final int ERR_BUFFER_DIRECTION = -14;

    /**
     * Not an error: the ring used up its descriptor budget for this duty cycle ({@link SplitVirtqueue#CYCLE_DESCRIPTORS});
     * nothing was taken, and the ring counts as out of buffers until {@link SplitVirtqueue#refillBudget()}.
     */
    public static final int OVER_BUDGET = -20;
    /**
     * Not an error: the chain at the head needs more descriptors walked than its frame may have (4 × the
     * descriptors that carry bytes + 64, {@link SplitVirtqueue#FRAME_SLACK}); nothing was taken, the ring counts
     * as out of buffers for the cycle, and {@link SplitVirtqueue#skipHead()} consumes the chain (TX drops it).
     */
    public static final int FRAME_OVER_BUDGET = -21;

    private VirtqStatus() {
    }

    /** A short text for log lines; never allocates for known codes. */
    public static String describe(int code) {
        return switch (code) {
            case OK -> "ok";
            case EMPTY -> "empty";
            case ERR_AVAIL_IDX -> "avail.idx moved more than the ring size";
            case ERR_HEAD_RANGE -> "head index out of range";
            case ERR_NEXT_RANGE -> "descriptor next out of range";
            case ERR_CHAIN_LOOP -> "descriptor chain loops";
            case ERR_ADDRESS -> "buffer address outside guest memory or overflowing";
            case ERR_INDIRECT -> "invalid indirect descriptor";
            case ERR_CHAIN_TOO_LONG -> "chain has too many segments";
            case ERR_WRITE_ORDER -> "readable descriptor after writable";
            case ERR_LENGTH -> "chain total length too large";
            case ERR_RING_ADDRESS -> "ring part not translatable or misaligned";
            case ERR_RING_SIZE -> "ring size invalid";
            case ERR_NOT_ATTACHED -> "ring not attached";
            case ERR_BUFFER_DIRECTION -> "buffer direction wrong for queue";
            case OVER_BUDGET -> "descriptor budget of the duty cycle used up";
            case FRAME_OVER_BUDGET -> "chain needs more descriptors than its frame's budget";
            default -> "unknown status";
        };
    }
}
