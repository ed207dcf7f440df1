package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The transmit half of a queue pair (odd vring): one descriptor per frame, or one INDIRECT
 * descriptor pointing at a two-entry table (header, frame). Descriptor {@code d} always uses TX
 * buffer {@code d} and indirect table {@code d}, so nothing is allocated per packet.
 */
final class TxQueue {
    private static final int TABLE_BYTES = 2 * VringDescLayout.BYTES;
    private final DriverVirtqueue vq;
    private final QueueCounters counters;
    private final int bufferSize;
    private final BufferPool buffers;
    private final BufferPool tables;
    private final boolean[] inFlight;
    private int headerSize = 12;
    private boolean indirect;

    TxQueue(GuestMemoryImage memory, DriverVirtqueue vq, QueueCounters counters, int bufferSize) {
        int n = vq.size();
        this.vq = vq;
        this.counters = counters;
        this.bufferSize = bufferSize;
        this.inFlight = new boolean[n];
        this.buffers = new BufferPool(memory, n, bufferSize, 64);
        this.tables = new BufferPool(memory, n, TABLE_BYTES, 16);
    }

    void configure(int netHeaderSize, boolean useIndirect) {
        this.headerSize = netHeaderSize;
        this.indirect = useIndirect;
    }

    /** Largest frame one TX buffer holds. */
    int maxFrame() {
        return bufferSize - headerSize;
    }

    /**
     * Places one frame on the ring without publishing: 1 on success, 0 when the ring is full
     * after reclaiming, {@link VhostUserFrontend#ERR_FRAME_TOO_LARGE} if it does not fit a buffer.
     */
    int enqueue(MemorySegment frame, long offset, int length) {
        return enqueue(frame, offset, length, null);
    }

    /** {@link #enqueue(MemorySegment, long, int)} with the offload fields of {@code offload} in the header (null: none). */
    int enqueue(MemorySegment frame, long offset, int length, OffloadHeader offload) {
        if (length < 0 || length > bufferSize - headerSize) {
            counters.txTooLarge++;
            return VhostUserFrontend.ERR_FRAME_TOO_LARGE;
        }
        if (vq.freeCount() == 0) {
            reclaim();
        }
        int d = vq.allocDescriptor();
        if (d < 0) {
            counters.txFull++;
            return 0;
        }
        MemorySegment seg = buffers.segment(d);
        long off = buffers.offset(d);
        // header: all zero unless offloads are asked for (num_buffers 0 on TX)
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, off, 0L);
        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, off + 8, (short) 0);
        if (headerSize == 12) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, off + 10, (short) 0);
        }
        if (offload != null) {
            offload.write(seg, off);
        }
        MemorySegment.copy(frame, offset, seg, off + headerSize, length);
        if (indirect && vq.packed()) { // a packed table: {addr, len, id (ignored), flags}, read in order
            PackedDriverRing.writeTableEntry(tables.segment(d), tables.offset(d), buffers.gpa(d), headerSize, 0);
            PackedDriverRing.writeTableEntry(tables.segment(d), tables.offset(d) + VringDescLayout.BYTES,
                    buffers.gpa(d) + headerSize, length, 0);
            vq.writeDescriptor(d, tables.gpa(d), TABLE_BYTES, VringDescLayout.F_INDIRECT, 0);
        } else if (indirect) {
            VringDescLayout.write(tables.segment(d), tables.offset(d), buffers.gpa(d), headerSize, VringDescLayout.F_NEXT, 1);
            VringDescLayout.write(tables.segment(d), tables.offset(d) + VringDescLayout.BYTES, buffers.gpa(d) + headerSize, length, 0, 0);
            vq.writeDescriptor(d, tables.gpa(d), TABLE_BYTES, VringDescLayout.F_INDIRECT, 0);
        } else {
            vq.writeDescriptor(d, buffers.gpa(d), headerSize + length, 0, 0);
        }
        inFlight[d] = true;
        vq.addAvail(d);
        counters.txPackets++;
        counters.txBytes += length;
        return 1;
    }

    /** Publishes everything enqueued and kicks unless the back end suppressed it. */
    void flush() {
        if (vq.publish()) {
            vq.kick();
            counters.kicks++;
        } else {
            counters.kicksSuppressed++;
        }
    }

    /** Frees every descriptor the back end has returned; returns how many. */
    int reclaim() {
        int n = 0;
        while (vq.pollUsed()) {
            int id = vq.polledId();
            if (id < 0 || id >= inFlight.length || !inFlight[id]) {
                counters.txBadUsed++;
                continue;
            }
            inFlight[id] = false;
            vq.freeDescriptor(id);
            n++;
        }
        return n;
    }

    /** Frames on the ring the back end has not returned yet. */
    int inFlightCount() {
        return vq.size() - vq.freeCount();
    }
}
