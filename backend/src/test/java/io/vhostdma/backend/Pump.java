package io.vhostdma.backend;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Allocation-free bidirectional traffic between two front ends on queue pair 0 (preallocated native
 * frames, windowed); counts frames received and how many had the wrong length.
 */
final class Pump {
    private static final int[] LENGTHS = {60, 128, 256, 512, 1000, 1514, 64, 1400};
    private static final int SLOT = 2048;
    private final VhostUserFrontend a;
    private final VhostUserFrontend b;
    private final MemorySegment toB;
    private final MemorySegment toA;
    private final MemorySegment dst;
    private long sentA;
    private long sentB;
    private long receivedA;
    private long receivedB;
    private long wrongLength;
    /** The offload fields of a's frames (null: a plain header). */
    private final OffloadHeader offloadA;

    Pump(VhostUserFrontend a, long macA, VhostUserFrontend b, long macB, Arena arena) {
        this(a, macA, b, macB, arena, null);
    }

    /** a sends its frames with {@code offloadA} in their virtio-net headers. */
    Pump(VhostUserFrontend a, long macA, VhostUserFrontend b, long macB, Arena arena, OffloadHeader offloadA) {
        this.offloadA = offloadA;
        this.a = a;
        this.b = b;
        this.toB = frames(arena, macB, macA);
        this.toA = frames(arena, macA, macB);
        this.dst = arena.allocate(65536);
    }

    private static MemorySegment frames(Arena arena, long dst, long src) {
        MemorySegment s = arena.allocate((long) SLOT * LENGTHS.length);
        for (int i = 0; i < LENGTHS.length; i++) {
            MemorySegment.copy(MemorySegment.ofArray(Frames.frame(dst, src, i, LENGTHS[i], 77)), 0, s,
                    (long) i * SLOT, LENGTHS[i]);
        }
        return s;
    }

    /** Moves {@code count} frames each way (at most 64 in flight per direction); returns whether all arrived in time. */
    boolean run(long count, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        long targetA = receivedA + count;
        long targetB = receivedB + count;
        while (receivedA < targetA || receivedB < targetB) {
            boolean moved = false;
            if (sentA - receivedB < 64 && sentA < targetB) {
                int i = (int) (sentA & 7);
                int r = a.send(0, toB, (long) i * SLOT, LENGTHS[i], offloadA);
                sentA += r;
                moved |= r > 0;
            }
            if (sentB - receivedA < 64 && sentB < targetA) {
                int i = (int) (sentB & 7);
                int r = b.send(0, toA, (long) i * SLOT, LENGTHS[i]);
                sentB += r;
                moved |= r > 0;
            }
            int n;
            while ((n = b.receive(0, dst, 0, 65536)) > 0) {
                wrongLength += n == LENGTHS[(int) (receivedB & 7)] ? 0 : 1;
                receivedB++;
                moved = true;
            }
            while ((n = a.receive(0, dst, 0, 65536)) > 0) {
                wrongLength += n == LENGTHS[(int) (receivedA & 7)] ? 0 : 1;
                receivedA++;
                moved = true;
            }
            if (!moved) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                a.reclaimTx(0);
                b.reclaimTx(0);
                b.awaitRx(0, 1_000_000L);
            }
        }
        return true;
    }

    long wrongLength() {
        return wrongLength;
    }
}
