package io.vhostdma.backend.dataplane;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code forwarding: sink}: every frame is copied into a host buffer of the worker, counted (by the
 * caller, as a dequeued packet) and dropped — what DPDK's rxonly does, so the dequeue benchmark
 * measures real copies.
 */
final class SinkForwarder implements Forwarder {
    static final int BUFFER_BYTES = 65536 + 4096;

    @Override
    public void forward(Worker worker, RingContext source, GatherList frame, int len) {
        MemorySegment buf = worker.hostBuffer;
        if (len <= buf.byteSize()) {
            frame.copyTo(buf, 0);
        }
    }

    static MemorySegment newBuffer(Arena arena) {
        return arena.allocate(BUFFER_BYTES, 64);
    }
}
