package io.vhostdma.bench.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Shared buffer geometry of the copy benchmarks: {@link #BURST} copies at distinct 2 KiB strides. */
final class CopyFixture {
    static final int BURST = 32;
    static final long STRIDE = 2048;
    static final long BYTES = 128 * 1024; // 2 x BURST x STRIDE, page multiple
    static final long PAGE = 4096;

    private CopyFixture() {
    }

    static MemorySegment buffer(Arena arena) {
        MemorySegment seg = arena.allocate(BYTES, PAGE);
        for (long i = 0; i < BYTES; i++) {
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        return seg;
    }
}
