package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Preallocated working state of {@link NetRx#enqueue}: one per RX queue, owned by the queue's thread.
 */
public final class RxScratch {

    final DescriptorChain chain = new DescriptorChain();
    /** Walks the frame against the payload ranges (the copy) and slices each chain's buffers. */
    final GatherCursor cursor = new GatherCursor();
    /** Most payload ranges of one reserved packet (several chains of up to 256 descriptors each). */
    static final int MAX_PAYLOAD_RANGES = 1024;
    final GatherList payload = new GatherList(MAX_PAYLOAD_RANGES);
    /** Where the reserved packet's virtio-net header goes (written only by {@link NetRx#writeHeader}). */
    final GatherList headerAt = new GatherList(NetHeaderLayout.SIZE_V1);
    /**
     * The last reserve took one chain of one buffer for a one-range frame and did not slice it ({@link #payload}
     * and {@link #headerAt} are not set): {@link NetRx#enqueue} writes straight into {@code chain}'s buffer.
     */
    boolean direct;
    /** The RX ring's avail position before the packet being reserved (to give its chains back). */
    int mark;
    final int[] heads;
    final int[] lens;
    /** The virtio-net header of the packet being reserved (num_buffers 0), copied into its first chain. */
    final MemorySegment header = Arena.ofAuto().allocate(16, 8);
    MemorySegment numBuffersLowSeg;
    long numBuffersLowOff;
    MemorySegment numBuffersHighSeg;
    long numBuffersHighOff;

    /** Scratch for a ring of {@code ringSize} entries (at most that many chains per packet). */
    public RxScratch(int ringSize) {
        heads = new int[ringSize];
        lens = new int[ringSize];
    }

    /** The RX ring's avail position before the last reserve: {@code rewindTo} it to give the chains back. */
    public int mark() {
        return mark;
    }

    /** Payload destination ranges of the last successful {@link NetRx#reserve}, in frame order. */
    public GatherList payload() {
        return payload;
    }

    /** Chains used by the last successful enqueue are {@code head(0..n-1)}; for tests and tracing. */
    public int head(int i) {
        return heads[i];
    }

    /** Bytes written into chain {@code i} by the last successful enqueue. */
    public int length(int i) {
        return lens[i];
    }
}
