package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.VirtqStatus;

/**
 * TX (guest → us, the odd rings): a popped chain is a virtio-net header followed by a frame, all readable.
 * Every chain is returned with used len 0, dropped ones included.
 */
public final class NetTx {

    /** Used len for TX chains (the driver ignores it; DPDK writes 0). */
    public static final int USED_LEN = 0;
    /** Largest frame accepted after the header. */
    public static final int MAX_FRAME_LENGTH = 65535;

    private NetTx() {
    }

    /**
     * Describes the frame of a TX chain: its readable part after the {@code hdrLen}-byte header, sliced into
     * {@code out} with {@code cursor}.
     *
     * @return the frame length (≥ 0), or {@link NetStatus#WRITABLE_IN_TX} (a guest error: the caller should
     *         {@link #rejectChain} it), {@link NetStatus#TOO_SHORT} or {@link NetStatus#TOO_LONG} (drop)
     */
    public static int frame(DescriptorChain chain, int hdrLen, GatherList out, GatherCursor cursor) {
        out.clear();
        if (chain.writableBytes() > 0) {
            return NetStatus.WRITABLE_IN_TX;
        }
        long readable = chain.readableBytes();
        if (readable < hdrLen) {
            return NetStatus.TOO_SHORT;
        }
        long frameLen = readable - hdrLen;
        if (frameLen > MAX_FRAME_LENGTH) {
            return NetStatus.TOO_LONG;
        }
        out.addSlice(chain.buffers(), hdrLen, frameLen, cursor); // the readable ranges come first
        return (int) frameLen;
    }

    /** Returns a TX chain to the driver (used len 0); publishing is the caller's, once per burst. */
    public static void complete(SplitVirtqueue txq, int head) {
        txq.addUsed(head, USED_LEN);
    }

    /** Marks the TX ring broken after {@link NetStatus#WRITABLE_IN_TX}. */
    public static void rejectChain(SplitVirtqueue txq) {
        txq.markBroken(VirtqStatus.ERR_BUFFER_DIRECTION);
    }
}
