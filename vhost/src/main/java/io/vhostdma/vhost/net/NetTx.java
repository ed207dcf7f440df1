package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.Virtqueue;
import io.vhostdma.vhost.virtq.PathStatus;

/**
 * TX (guest → us, the odd rings): a popped chain is a virtio-net header followed by a frame, all readable.
 * Every chain is returned with used len 0, dropped ones included.
 */
public final class NetTx {

    /** Used len for TX chains (the driver ignores it; DPDK writes 0). */
    public static final int USED_LEN = 0;
    /**
     * Largest frame accepted after the header: a 64 KiB IP packet (a TSO/GSO frame) behind an Ethernet header with
     * one VLAN tag.
     */
    public static final int MAX_FRAME_LENGTH = 65535 + 14 + 4;

    private NetTx() {
    }

    /**
     * Describes the frame of a TX chain: its readable part after the {@code hdrLen}-byte header, sliced into
     * {@code out} with {@code cursor}.
     *
     * @return the frame length (≥ 0), or {@link PathStatus#WRITABLE_IN_TX} (a guest error: the caller should
     *         {@link #rejectChain} it), {@link PathStatus#TOO_SHORT} or {@link PathStatus#TOO_LONG} (drop)
     */
    public static int frame(DescriptorChain chain, int hdrLen, GatherList out, GatherCursor cursor) {
        out.clear();
        if (chain.writableBytes() > 0) {
            return PathStatus.ERR_BUFFER_DIRECTION;
        }
        long readable = chain.readableBytes();
        if (readable < hdrLen) {
            return PathStatus.TOO_SHORT;
        }
        long frameLen = readable - hdrLen;
        if (frameLen > MAX_FRAME_LENGTH) {
            return PathStatus.TOO_LONG;
        }
        GatherList in = chain.buffers(); // the readable ranges come first
        if (in.count() == 1 && frameLen > 0) {
            out.set(in.segment(0), in.offset(0) + hdrLen, (int) frameLen); // one buffer: nothing to walk
        } else {
            out.addSlice(in, hdrLen, frameLen, cursor);
        }
        return (int) frameLen;
    }

    /** Returns a TX chain to the driver (used len 0); publishing is the caller's, once per burst. */
    public static void complete(Virtqueue txq, int head) {
        txq.addUsed(head, USED_LEN);
    }

    /** Marks the TX ring broken after {@link PathStatus#WRITABLE_IN_TX}. */
    public static void rejectChain(Virtqueue txq) {
        txq.markBroken(PathStatus.ERR_BUFFER_DIRECTION);
    }
}
