package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.net.NetHeaderLayout;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.virtq.SplitRingLayout;
import java.lang.foreign.MemorySegment;

/**
 * The receive half of a queue pair (even vring): every descriptor permanently owns one writable
 * buffer of {@code bufferSize} bytes; the ring is kept full. A received packet is one used entry,
 * or with MRG_RXBUF {@code num_buffers} consecutive used entries whose first buffer starts with
 * the virtio-net header.
 */
final class RxQueue {
    private final DriverVirtqueue vq;
    private final QueueCounters counters;
    private final int bufferSize;
    private final BufferPool pool;
    private final boolean[] posted;
    private final int[] scratch;
    private int headerSize = 12;
    private boolean mergeable;
    /** The offload fields of the virtio-net header of the last packet received. */
    final OffloadHeader lastOffload = new OffloadHeader();

    RxQueue(GuestMemoryImage memory, DriverVirtqueue vq, QueueCounters counters, int bufferSize) {
        int n = vq.size();
        this.vq = vq;
        this.counters = counters;
        this.bufferSize = bufferSize;
        this.posted = new boolean[n];
        this.scratch = new int[n];
        this.pool = new BufferPool(memory, n, bufferSize, 64);
    }

    void configure(int netHeaderSize, boolean mergeableRx) {
        this.headerSize = netHeaderSize;
        this.mergeable = mergeableRx;
    }

    /** Posts every buffer and publishes avail.idx (no kick: used before the ring is started). */
    void prefill() {
        for (int i = 0; i < vq.size(); i++) {
            int d = vq.allocDescriptor();
            repost(d);
        }
        vq.publish();
    }

    private void repost(int d) {
        vq.writeDescriptor(d, pool.gpa(d), bufferSize, VringDescLayout.F_WRITE, 0);
        posted[d] = true;
        vq.addAvail(d);
    }

    /**
     * Copies the next complete packet's frame (header stripped) into {@code dst[offset..]} and
     * re-posts its buffers. Returns the frame length, 0 when no complete packet is there, or a
     * negative {@code ERR_*} code of {@link VhostUserFrontend} (the packet is then dropped).
     */
    int receive(MemorySegment dst, long offset, int capacity) {
        int pending = vq.pendingUsed();
        if (pending == 0) {
            return 0;
        }
        // plain reads of used elements, header and packet bytes from here on: all were written by the
        // back end before its release store of used.idx, which pendingUsed() acquire-loaded
        int id0 = vq.peekUsedId(0);
        int len0 = vq.peekUsedLen(0);
        while (validEntry(id0, len0) && len0 < headerSize) {
            // a buffer the back end gave back without a packet (e.g. a failed DMA copy: len 0): like
            // Linux virtio-net, count it as a short packet, re-post the buffer and look at the next one
            counters.rxShort++;
            recycle(1);
            if (--pending == 0) {
                return 0;
            }
            id0 = vq.peekUsedId(0);
            len0 = vq.peekUsedLen(0);
        }
        if (!validEntry(id0, len0)) {
            return dropBad(1);
        }
        int buffers = mergeable
                ? pool.segment(id0).get(SplitRingLayout.U16_PLAIN, pool.offset(id0) + NetHeaderLayout.NUM_BUFFERS) & 0xffff : 1;
        if (buffers == 0 || buffers > vq.size()) {
            return dropBad(1);
        }
        if (pending < buffers) {
            return 0;
        }
        long total = len0 - headerSize;
        for (int i = 1; i < buffers; i++) {
            if (!validEntry(vq.peekUsedId(i), vq.peekUsedLen(i))) {
                return dropBad(buffers);
            }
            total += vq.peekUsedLen(i);
        }
        if (total > capacity) {
            counters.rxTooSmall++;
            recycle(buffers);
            return VhostUserFrontend.ERR_DST_TOO_SMALL;
        }
        lastOffload.read(pool.segment(id0), pool.offset(id0));
        MemorySegment.copy(pool.segment(id0), pool.offset(id0) + headerSize, dst, offset, len0 - headerSize);
        long at = offset + len0 - headerSize;
        for (int i = 1; i < buffers; i++) {
            int id = vq.peekUsedId(i);
            int len = vq.peekUsedLen(i);
            MemorySegment.copy(pool.segment(id), pool.offset(id), dst, at, len);
            at += len;
        }
        recycle(buffers);
        counters.rxPackets++;
        counters.rxBytes += total;
        if (buffers > 1) {
            counters.rxMerged++;
        }
        return (int) total;
    }

    private boolean validEntry(int id, int len) {
        return id >= 0 && id < posted.length && posted[id] && len >= 0 && len <= bufferSize;
    }

    private int dropBad(int entries) {
        counters.rxBadUsed++;
        recycle(entries);
        return VhostUserFrontend.ERR_BAD_USED_ENTRY;
    }

    /** Consumes {@code entries} used elements and re-posts the buffers they name, then publishes. */
    private void recycle(int entries) {
        int n = 0;
        for (int i = 0; i < entries; i++) {
            int id = vq.peekUsedId(i);
            if (id >= 0 && id < posted.length && posted[id]) {
                posted[id] = false;
                scratch[n++] = id;
            }
        }
        vq.consumeUsed(entries);
        for (int i = 0; i < n; i++) {
            repost(scratch[i]);
        }
        if (vq.publish()) {
            vq.kick();
            counters.kicks++;
        } else {
            counters.kicksSuppressed++;
        }
    }
}
