package io.vhostdma.vhost.virtq;

/**
 * The descriptor budgets of one ring, for both layouts ({@link SplitChainWalker}, {@link PackedVirtqueue}): a
 * frame may walk {@link SplitVirtqueue#FRAME_FACTOR} × its data-carrying descriptors + {@link
 * SplitVirtqueue#FRAME_SLACK}, and the ring {@link SplitVirtqueue#CYCLE_DESCRIPTORS} per duty cycle. Owner-local.
 */
final class WalkBudget {
    private int cycleLeft = SplitVirtqueue.CYCLE_DESCRIPTORS;
    private boolean exhausted;
    private int frameVisited;
    private int frameUseful;

    /** A new duty cycle. */
    void refill() {
        cycleLeft = SplitVirtqueue.CYCLE_DESCRIPTORS;
        exhausted = false;
    }

    /** A new frame (a pop; a popMore continues the frame). */
    void startFrame() {
        frameVisited = 0;
        frameUseful = 0;
    }

    /** Whether a budget tripped in this cycle. */
    boolean exhausted() {
        return exhausted;
    }

    /** A budget tripped: the ring is out of buffers until {@link #refill}. */
    void trip() {
        exhausted = true;
    }

    /** Counts one walked descriptor of {@code len} bytes ({@code pointer}: an indirect pointer, carries none). */
    int descriptor(long len, boolean pointer) {
        if (--cycleLeft < 0) {
            return PathStatus.OVER_BUDGET;
        }
        if (len != 0 && !pointer) {
            frameUseful++;
        }
        if (++frameVisited > SplitVirtqueue.FRAME_FACTOR * frameUseful + SplitVirtqueue.FRAME_SLACK) {
            return PathStatus.FRAME_OVER_BUDGET;
        }
        return PathStatus.OK;
    }
}
