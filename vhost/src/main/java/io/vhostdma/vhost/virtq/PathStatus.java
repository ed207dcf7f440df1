package io.vhostdma.vhost.virtq;

/**
 * The data path's one result-code space: every ring, virtio-net and delivery call returns a count or success
 * (≥ 0) or one of these negative codes, and the back end maps each code to at most one drop reason. Four bands:
 * <ul>
 *   <li>{@link #OK}, {@link #EMPTY}, and {@link #PENDING} (accepted, its copy in flight: the outcome comes at
 *       completion).</li>
 *   <li>Guest errors, -2 to -14, and {@link #ERR_FAULT}: they mark the ring broken (§13 of the fact sheet, or a
 *       fault contained in the ring's memory): the ring stays broken until reconfigured — the ring's one broken
 *       state ({@link Virtqueue#broken()}).</li>
 *   <li>Budget statuses, -20 and -21: not errors, the ring is out of buffers for the duty cycle.</li>
 *   <li>Outcomes of moving a frame, -30 and below: out of buffers, too big, not ready, no room on a DMA channel
 *       or in a host buffer or a hand-off queue, a failed copy.</li>
 * </ul>
 */
public final class PathStatus {

    /** Success. */
    public static final int OK = 0;
    /** Nothing available (not an error). */
    public static final int EMPTY = -1;
    /** Accepted: the frame's copies are in flight; its outcome is reported when they complete. */
    public static final int PENDING = 1;

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
    /** The chain needs more than {@link DescriptorChain#MAX_SEGMENTS} ranges. */
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
    /** A chain has buffers of the wrong direction for its queue (writable in TX, readable in RX). */
    public static final int ERR_BUFFER_DIRECTION = -14;
    /**
     * Not the guest's protocol error but a fault on the ring's data path (its memory faulted, or the path threw
     * and the fault was contained to this ring): the ring stops like a broken one.
     */
    public static final int ERR_FAULT = -15;

    /**
     * Not an error: the ring used up its descriptor budget for this duty cycle ({@link SplitVirtqueue#CYCLE_DESCRIPTORS});
     * nothing was taken, and the ring counts as out of buffers until {@link Virtqueue#refillBudget()}.
     */
    public static final int OVER_BUDGET = -20;
    /**
     * Not an error: the chain at the head needs more descriptors walked than its frame may have (4 × the
     * descriptors that carry bytes + 64, {@link SplitVirtqueue#FRAME_SLACK}); nothing was taken, the ring counts
     * as out of buffers for the cycle, and {@link Virtqueue#skipHead} consumes the chain (TX drops it).
     */
    public static final int FRAME_OVER_BUDGET = -21;

    /** The RX ring had no (or too few) buffers: the frame is dropped, the ring is untouched. */
    public static final int NO_BUFFERS = -30;
    /**
     * The frame does not fit: without MRG_RXBUF the chain is smaller than header + frame (or the first chain
     * cannot hold the header), or it is longer than the guest's MTU, or than a host buffer.
     */
    public static final int TOO_BIG = -31;
    /** A TX chain is shorter than the virtio-net header. */
    public static final int TOO_SHORT = -32;
    /** A TX frame is longer than {@code NetTx.MAX_FRAME_LENGTH}. */
    public static final int TOO_LONG = -33;
    /** The destination ring is not started, disabled, stopped or paused. */
    public static final int NOT_READY = -34;
    /** The bound DMA channel has no room for the frame's copies. */
    public static final int DMA_BUSY = -40;
    /** The frame needed a host buffer and none was free. */
    public static final int NO_HOST_BUFFER = -41;
    /** The frame could not cross to another worker: its hand-off queue is full. */
    public static final int HANDOFF_FULL = -42;
    /** A copy of the frame failed (the DMA channel reported an error status). */
    public static final int DMA_ERROR = -43;

    private PathStatus() {
    }

    /** Whether {@code code} breaks a ring (a guest error, or a contained fault). */
    public static boolean breaksRing(int code) {
        return code <= ERR_AVAIL_IDX && code >= ERR_FAULT && code != ERR_NOT_ATTACHED;
    }

    /** Whether {@code code} is a budget status (out of buffers for the duty cycle, not an error). */
    public static boolean isBudget(int code) {
        return code == OVER_BUDGET || code == FRAME_OVER_BUDGET;
    }

    /** A short text for log lines; never allocates for known codes. */
    public static String describe(int code) {
        return switch (code) {
            case OK -> "ok";
            case EMPTY -> "empty";
            case PENDING -> "pending";
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
            case ERR_FAULT -> "fault on the ring's data path";
            case OVER_BUDGET -> "descriptor budget of the duty cycle used up";
            case FRAME_OVER_BUDGET -> "chain needs more descriptors than its frame's budget";
            case NO_BUFFERS -> "no rx buffers";
            case TOO_BIG -> "frame too big for the buffers";
            case TOO_SHORT -> "tx chain shorter than header";
            case TOO_LONG -> "tx frame too long";
            case NOT_READY -> "ring not ready";
            case DMA_BUSY -> "dma channel full";
            case NO_HOST_BUFFER -> "no host buffer";
            case HANDOFF_FULL -> "hand-off queue full";
            case DMA_ERROR -> "dma copy failed";
            default -> code >= 0 ? "ok" : "unknown status";
        };
    }
}
