package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.Virtqueue;
import io.vhostdma.vhost.virtq.PathStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * RX (us → guest, the even rings): writes one frame into the guest's RX buffers with the CPU.
 *
 * <p>{@link #enqueue} only ADDS used entries. The caller publishes once per burst
 * ({@link Virtqueue#publishUsed()}) and then checks {@link Virtqueue#needsNotification()} once.
 */
public final class NetRx {
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private NetRx() {
    }

    /**
     * Copies a frame (with a zeroed virtio-net header in front) into the RX ring.
     *
     * <p>Without mergeable buffers one chain must hold header + frame (else {@link PathStatus#TOO_BIG}; the chain
     * is given back and stays available). With mergeable buffers chains are taken in order, each filled with
     * min(capacity, remaining) bytes; {@code num_buffers} in the first chain's header is the number of chains.
     * If the ring runs dry mid-packet, last_avail_idx is rolled back and the packet dropped
     * ({@link PathStatus#NO_BUFFERS}); nothing was written into those chains (the header is written last).
     * The chains of one frame share the frame's descriptor budget; a ring over budget gives
     * {@link PathStatus#OVER_BUDGET} (rolled back too).
     *
     * @param frame     the frame bytes (without virtio-net header)
     * @param mergeable MRG_RXBUF negotiated
     * @param hdrLen    header length ({@link VirtioNetFeatures#headerLength(long)}); num_buffers is written only
     *                  when it is at least 12
     * @return number of used entries added (≥ 1), or a negative {@link PathStatus}
     */
    public static int enqueue(Virtqueue rxq, GuestMemory mem, GatherList frame, boolean mergeable, int hdrLen,
                              RxScratch scratch) {
        return enqueue(rxq, mem, frame, mergeable, hdrLen, scratch, null);
    }

    /**
     * {@link #enqueue(Virtqueue, GuestMemory, GatherList, boolean, int, RxScratch)} with the offload fields of
     * {@code offload} in the virtio-net header (null: a zeroed header).
     */
    public static int enqueue(Virtqueue rxq, GuestMemory mem, GatherList frame, boolean mergeable, int hdrLen,
                              RxScratch scratch, OffloadHeader offload) {
        long frameLen = frame.totalBytes();
        int n = reserve(rxq, mem, frameLen, mergeable, hdrLen, scratch, offload, frame.count() == 1);
        if (n <= 0) {
            return n;
        }
        try {
            if (scratch.direct) {
                copyDirect(frame, frameLen, hdrLen, scratch);
            } else {
                writeHeader(hdrLen, n, scratch);
                scratch.cursor.copy(frame, 0, scratch.payload, 0, frameLen);
            }
        } catch (RuntimeException | Error e) {
            // the source's memory went away mid-copy (or this ring's): the reserved chains are given back
            rxq.rewindTo(scratch.mark);
            throw e;
        }
        for (int i = 0; i < n; i++) {
            rxq.addUsed(scratch.heads[i], scratch.lens[i]);
        }
        return n;
    }

    /**
     * Reserves RX chains for a frame of {@code frameLen} bytes without writing anything: pops the chains
     * (same rules as {@link #enqueue}) and leaves in {@code scratch} the chains ({@link RxScratch#head},
     * {@link RxScratch#length}), where the header goes and the payload destination ranges, in frame order
     * ({@link RxScratch#payload()}). Adds no used entry: a caller that keeps the chains writes the header
     * ({@link #writeHeader}), copies the payload (CPU or DMA) and then adds the chains, in order; one that gives
     * them back ({@code rewindTo(mark)}) has written nothing into guest memory — nothing a dirty log would miss.
     *
     * @return number of chains reserved (≥ 1), or a negative {@link PathStatus} (nothing stays reserved)
     */
    public static int reserve(Virtqueue rxq, GuestMemory mem, long frameLen, boolean mergeable, int hdrLen,
                              RxScratch scratch) {
        return reserve(rxq, mem, frameLen, mergeable, hdrLen, scratch, null);
    }

    /**
     * {@link #reserve(Virtqueue, GuestMemory, long, boolean, int, RxScratch)} with the offload fields of
     * {@code offload} in the virtio-net header (null: a zeroed header): flags, gso_type, hdr_len, gso_size,
     * csum_start, csum_offset as the sender's validated TX header had them.
     */
    public static int reserve(Virtqueue rxq, GuestMemory mem, long frameLen, boolean mergeable, int hdrLen,
                              RxScratch scratch, OffloadHeader offload) {
        return reserve(rxq, mem, frameLen, mergeable, hdrLen, scratch, offload, false);
    }

    /**
     * {@link #reserve(Virtqueue, GuestMemory, long, boolean, int, RxScratch, OffloadHeader)}; with {@code direct}
     * (the frame is one range), a first chain of one buffer that holds header and frame is reserved without
     * slicing it ({@link RxScratch#direct}: the caller writes the header and the frame straight into it).
     */
    private static int reserve(Virtqueue rxq, GuestMemory mem, long frameLen, boolean mergeable, int hdrLen,
                               RxScratch scratch, OffloadHeader offload, boolean direct) {
        scratch.direct = false;
        if (frameLen > NetTx.MAX_FRAME_LENGTH) {
            return PathStatus.TOO_BIG;
        }
        scratch.header.set(ValueLayout.JAVA_LONG, 0, 0L);
        scratch.header.set(ValueLayout.JAVA_LONG, 8, 0L);
        if (offload != null) {
            offload.write(scratch.header, 0);
        }
        scratch.payload.clear();
        scratch.mark = rxq.availMark();
        long total = hdrLen + frameLen;
        return mergeable
                ? reserveMergeable(rxq, mem, hdrLen, total, scratch, direct)
                : reserveSingle(rxq, mem, hdrLen, total, scratch, direct);
    }

    private static int reserveSingle(Virtqueue rxq, GuestMemory mem, int hdrLen, long total, RxScratch s,
                                     boolean direct) {
        DescriptorChain chain = s.chain;
        int head = rxq.pop(mem, chain);
        if (head < 0) {
            return popFailure(head);
        }
        if (chain.readableCount() > 0) {
            return rejectReadable(rxq);
        }
        if (chain.writableBytes() < total) {
            rxq.rewindTo(s.mark);
            return PathStatus.TOO_BIG;
        }
        GatherList w = chain.buffers(); // all writable (a readable buffer was refused above)
        if (direct && takeDirect(head, w, total, s)) {
            return 1;
        }
        s.headerAt.clear();
        if (!s.headerAt.addSlice(w, 0, hdrLen, s.cursor) || !s.payload.addSlice(w, hdrLen, total - hdrLen, s.cursor)) {
            rxq.rewindTo(s.mark);
            return PathStatus.TOO_BIG;
        }
        s.heads[0] = head;
        s.lens[0] = (int) total;
        return 1;
    }

    private static int reserveMergeable(Virtqueue rxq, GuestMemory mem, int hdrLen, long total,
                                        RxScratch s, boolean direct) {
        DescriptorChain chain = s.chain;
        long remaining = total;
        int n = 0;
        while (remaining > 0) {
            if (n == s.heads.length) {
                rxq.rewindTo(s.mark);
                return PathStatus.NO_BUFFERS;
            }
            int head = n == 0 ? rxq.pop(mem, chain) : rxq.popMore(mem, chain); // one budget for the frame
            if (head < 0) {
                if (head == PathStatus.EMPTY || PathStatus.isBudget(head)) {
                    rxq.rewindTo(s.mark);
                }
                return popFailure(head);
            }
            if (chain.readableCount() > 0) {
                return rejectReadable(rxq);
            }
            long cap = chain.writableBytes();
            GatherList w = chain.buffers(); // all writable (a readable buffer was refused above)
            long dstOff = 0;
            if (n == 0 && direct && takeDirect(head, w, total, s)) {
                return 1;
            }
            if (n == 0) {
                if (cap < hdrLen) {
                    rxq.rewindTo(s.mark);
                    return PathStatus.TOO_BIG;
                }
                s.headerAt.clear();
                if (!s.headerAt.addSlice(w, 0, hdrLen, s.cursor)) {
                    rxq.rewindTo(s.mark);
                    return PathStatus.TOO_BIG;
                }
                dstOff = hdrLen;
            }
            long take = Math.min(cap, remaining);
            if (!s.payload.addSlice(w, dstOff, take - dstOff, s.cursor)) {
                rxq.rewindTo(s.mark);
                return PathStatus.TOO_BIG;
            }
            remaining -= take;
            s.heads[n] = head;
            s.lens[n] = (int) take;
            n++;
        }
        return n;
    }

    private static int popFailure(int code) {
        if (code == PathStatus.EMPTY) {
            return PathStatus.NO_BUFFERS;
        }
        if (PathStatus.isBudget(code)) {
            return PathStatus.OVER_BUDGET;
        }
        return code == PathStatus.ERR_NOT_ATTACHED ? PathStatus.NOT_READY : code; // a guest error: the ring is broken
    }

    private static int rejectReadable(Virtqueue rxq) {
        rxq.markBroken(PathStatus.ERR_BUFFER_DIRECTION);
        return PathStatus.ERR_BUFFER_DIRECTION;
    }

    /**
     * Writes the virtio-net header of the packet {@code s} reserved in {@code n} chains ({@link RxScratch#header}:
     * zeroed or the offload fields), {@code num_buffers} = {@code n} when the header has the field. Call it once the chains are kept (see {@link #reserve}).
     */
    public static void writeHeader(int hdrLen, int n, RxScratch s) {
        writeHeader(s.headerAt, hdrLen, s);
        patchNumBuffers(hdrLen, n, s);
    }

    /**
     * Writes the first {@code hdrLen} bytes of {@code w} from {@link RxScratch#header} (the header may be split
     * across descriptors) and records where the two num_buffers bytes live.
     */
    private static void writeHeader(GatherList w, int hdrLen, RxScratch s) {
        if (w.count() > 0 && w.length(0) >= hdrLen) {
            // common case: the header lies in the first buffer; two stores instead of hdrLen
            MemorySegment seg = w.segment(0);
            long off = w.offset(0);
            MemorySegment h = s.header;
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, off, h.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            // hdrLen is 10 or 12
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, off + hdrLen - 4, h.get(ValueLayout.JAVA_INT_UNALIGNED, hdrLen - 4));
            s.numBuffersLowSeg = seg;
            s.numBuffersLowOff = off + NetHeaderLayout.NUM_BUFFERS;
            s.numBuffersHighSeg = seg;
            s.numBuffersHighOff = off + NetHeaderLayout.NUM_BUFFERS + 1;
            return;
        }
        int pos = 0;
        for (int i = 0; i < w.count() && pos < hdrLen; i++) {
            MemorySegment seg = w.segment(i);
            long off = w.offset(i);
            for (int j = 0; j < w.length(i) && pos < hdrLen; j++, pos++) {
                seg.set(ValueLayout.JAVA_BYTE, off + j, s.header.get(ValueLayout.JAVA_BYTE, pos));
                if (pos == NetHeaderLayout.NUM_BUFFERS) {
                    s.numBuffersLowSeg = seg;
                    s.numBuffersLowOff = off + j;
                } else if (pos == NetHeaderLayout.NUM_BUFFERS + 1) {
                    s.numBuffersHighSeg = seg;
                    s.numBuffersHighOff = off + j;
                }
            }
        }
    }

    /** Writes num_buffers (little-endian) when the header has the field. */
    /**
     * Reserves chain {@code head} for a direct write when it is one buffer that holds all {@code total} bytes (the
     * common case: nothing to slice); else leaves {@code s} for the sliced path.
     */
    private static boolean takeDirect(int head, GatherList w, long total, RxScratch s) {
        if (w.count() != 1 || w.length(0) < total) {
            return false;
        }
        s.direct = true;
        s.heads[0] = head;
        s.lens[0] = (int) total;
        return true;
    }

    /**
     * Writes the header (num_buffers 1) and the one-range frame straight into the one buffer {@link #takeDirect}
     * reserved: two stores and one bulk copy.
     */
    private static void copyDirect(GatherList frame, long frameLen, int hdrLen, RxScratch s) {
        GatherList w = s.chain.buffers();
        MemorySegment seg = w.segment(0);
        long off = w.offset(0);
        MemorySegment h = s.header;
        if (hdrLen >= NetHeaderLayout.SIZE_V1) {
            h.set(U16_LE, NetHeaderLayout.NUM_BUFFERS, (short) 1);
        }
        // hdrLen is 10 or 12
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, off, h.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        seg.set(ValueLayout.JAVA_INT_UNALIGNED, off + hdrLen - 4, h.get(ValueLayout.JAVA_INT_UNALIGNED, hdrLen - 4));
        MemorySegment.copy(frame.segment(0), frame.offset(0), seg, off + hdrLen, frameLen);
    }

    private static void patchNumBuffers(int hdrLen, int numBuffers, RxScratch s) {
        if (hdrLen < NetHeaderLayout.SIZE_V1) {
            return;
        }
        s.numBuffersLowSeg.set(ValueLayout.JAVA_BYTE, s.numBuffersLowOff, (byte) numBuffers);
        s.numBuffersHighSeg.set(ValueLayout.JAVA_BYTE, s.numBuffersHighOff, (byte) (numBuffers >>> 8));
    }
}
