package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.offload.ChecksumCompletion;
import io.vhostdma.vhost.offload.GsoSegmenter;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.virtq.PathStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The offload work a receiver did not negotiate, done in software for one RX ring ({@link RxRing#enqueue}): the
 * frame is copied once into this worker's host buffer (the sender's guest memory is read once; nothing here reads it
 * again), then its partial checksum is completed there ({@code csum_fixups}) or it is cut into segments of
 * {@code gso_size} payload bytes with complete IPv4/IPv6 and TCP headers ({@code gso_segmented}); each result goes
 * into the ring with a plain virtio-net header. A CPU-copy ring takes each result straight from the buffer; a
 * DMA-bound ring gets each one through a staging slot (registered host memory), so the checksum is final before its
 * copy is submitted and its used element is published only after that copy completed. Frames whose headers
 * disagree with their offload header are the drop {@code tx_bad_offload}; each result is counted as a packet or a
 * drop on the ring. A reactive receiver's tap ({@link #toTap}) is served the same way: it takes plain Ethernet
 * frames, so a frame with offload fields reaches it completed or segmented. One per worker; allocation-free after
 * construction.
 */
final class RxOffload implements GsoSegmenter.Sink {
    private final MemorySegment buffer = Arena.ofAuto().allocate(GsoSegmenter.MAX_FRAME, 64);
    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final GatherList view = new GatherList(1);
    /** A result staged for a DMA ring (host memory: {@code INJECTED} kind, held by its slot). */
    private final FrameSource piece = new FrameSource();
    private final GatherList pieceBytes = new GatherList(1);
    // the call being served (set by deliver, read by accept)
    private RxRing ring;
    private StagingPool pool;
    private long cycle;
    private GuestSignals signals;
    private DirtyList dirty;
    private int status;
    // a tap being served instead of a ring (toTap), or null
    private PacketTap tap;
    private int tapQueuePair;
    private boolean tapRefused;

    /**
     * Does {@code work} ({@link OffloadHeader#RX_COMPLETE_CSUM} or {@link OffloadHeader#RX_SEGMENT}) on {@code src}'s
     * frame for ring {@code r} and enqueues the result(s).
     *
     * @return {@link PathStatus#OK} when some result was added to the used ring, else {@link PathStatus#PENDING}
     *         when some copy is in flight, else the last drop status or {@link OffloadHeader#BAD_OFFLOAD} (every
     *         drop is counted here)
     */
    int deliver(RxRing r, FrameSource src, int work, StagingPool p, long c, GuestSignals s, DirtyList d) {
        ring = r;
        pool = p;
        cycle = c;
        signals = s;
        dirty = d;
        status = PathStatus.NO_BUFFERS;
        int len = src.length;
        OffloadHeader h = src.offload;
        src.frame.copyTo(buffer, 0); // the only read of the sender's bytes (len <= NetTx.MAX_FRAME_LENGTH)
        if (work == OffloadHeader.RX_COMPLETE_CSUM) {
            if (ChecksumCompletion.complete(buffer, 0, len, h.csumStart(), h.csumOffset()) < 0) {
                return badOffload(src);
            }
            r.counters.csumFixup();
            accept(buffer, len);
        } else {
            if (segmenter.segment(buffer, 0, len, h, this) < 0) {
                return badOffload(src);
            }
            r.counters.gsoSegmented();
        }
        ring = null;
        return status;
    }

    private int badOffload(FrameSource src) {
        (src.counters != null ? src.counters : ring.counters).drop(DropReason.TX_BAD_OFFLOAD);
        ring = null;
        return OffloadHeader.BAD_OFFLOAD;
    }

    /**
     * A frame with offload fields ({@code h}, validated) for a reactive receiver's tap: its checksum completed, or
     * its segments, offered to ring {@code qp} of {@code t}; counted on the TX queue {@code counters}.
     *
     * @return 1 when every result was taken, 0 when not (the caller counts the drop {@code receiver_full}), or -1
     *         when its headers disagree with {@code h} ({@code tx_bad_offload}, counted here)
     */
    int toTap(PacketTap t, int qp, GatherList frame, int len, OffloadHeader h, QueueCounters counters) {
        frame.copyTo(buffer, 0);
        tap = t;
        tapQueuePair = qp;
        tapRefused = false;
        try {
            if (h.gsoKind() != OffloadHeader.GSO_NONE) {
                if (segmenter.segment(buffer, 0, len, h, this) < 0) {
                    counters.drop(DropReason.TX_BAD_OFFLOAD);
                    return -1;
                }
                counters.gsoSegmented();
            } else {
                if (h.needsChecksum()) {
                    ChecksumCompletion.complete(buffer, 0, len, h.csumStart(), h.csumOffset()); // validated on TX
                    counters.csumFixup();
                }
                accept(buffer, len);
            }
            return tapRefused ? 0 : 1;
        } finally {
            tap = null;
        }
    }

    /** One result ({@code segment[0, length)}): into the ring (with a plain header) or the tap. */
    @Override
    public void accept(MemorySegment segment, int length) {
        if (tap != null) {
            view.set(segment, 0, length);
            tapRefused |= !tap.offer(tapQueuePair, view, length);
            return;
        }
        int st = enqueue(segment, length);
        if (st == PathStatus.OK || (st == PathStatus.PENDING && status != PathStatus.OK)) {
            status = st;
        } else if (st < 0) {
            if (status < 0) {
                status = st;
            }
            ring.dropped(st, cycle, signals);
        }
    }

    private int enqueue(MemorySegment segment, int length) {
        RxRing r = ring;
        if (!r.live() || !r.enabled()) {
            return PathStatus.NOT_READY;
        }
        if (r.tooBig(length)) {
            return PathStatus.TOO_BIG;
        }
        if (r.dma == null) {
            view.set(segment, 0, length);
            int n = NetRx.enqueue(r.queue, r.device.memory(), view, r.device.mergeable(), r.device.headerLength(),
                    r.scratch, null);
            if (n <= 0) {
                return n == 0 ? PathStatus.NO_BUFFERS : n;
            }
            r.counters.packet(length);
            dirty.add(r);
            return PathStatus.OK;
        }
        StagingPool.Slot slot = pool.take();
        if (slot == null) {
            return PathStatus.NO_HOST_BUFFER;
        }
        MemorySegment.copy(segment, 0, slot.memory(), slot.offset(), length);
        pieceBytes.set(slot.memory(), slot.offset(), length);
        piece.fromInjector(pieceBytes, length, slot);
        try {
            return r.dma.enqueue(piece, pool); // retains the slot while its copies are in flight
        } finally {
            slot.release(false, dirty); // our hold
        }
    }
}
