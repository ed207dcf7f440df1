package io.vhostdma.vhost.frontend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** An allocation-free send/receive loop over preallocated native frames (for the zero-allocation test). */
final class SteadyPump {
    private static final int[] LENGTHS = {60, 128, 256, 512, 1000, 1514, 64, 1400};
    private static final int SLOT = 2048;
    private final VhostUserFrontend a;
    private final VhostUserFrontend b;
    private final MemorySegment frames;
    private final MemorySegment dst;
    private int errors;
    long awaits;

    SteadyPump(VhostUserFrontend a, VhostUserFrontend b, Arena arena) {
        this.a = a;
        this.b = b;
        this.frames = arena.allocate((long) SLOT * LENGTHS.length);
        this.dst = arena.allocate(65536);
        for (int i = 0; i < LENGTHS.length; i++) {
            for (int k = 0; k < LENGTHS[i]; k++) {
                frames.set(ValueLayout.JAVA_BYTE, (long) i * SLOT + k, (byte) (i * 31 + k));
            }
        }
    }

    /** Receives whatever is still in flight (late sync markers) until 200 ms pass quietly. */
    void drainStragglers() {
        long quietUntil = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < quietUntil) {
            if (b.receive(0, dst, 0, 65536) > 0) {
                quietUntil = System.nanoTime() + 200_000_000L;
            }
        }
    }

    /** Moves {@code count} frames a → b with at most {@code window} in flight; returns how many arrived (stops after 20 s). */
    long run(int count, int window) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        int sent = 0;
        int received = 0;
        while (received < count && System.nanoTime() < deadline) {
            if (sent < count && sent - received < window) {
                int i = sent & (LENGTHS.length - 1);
                sent += a.send(0, frames, (long) i * SLOT, LENGTHS[i]);
            }
            int n = b.receive(0, dst, 0, 65536);
            if (n > 0) {
                if (n != LENGTHS[received & (LENGTHS.length - 1)]
                        || dst.get(ValueLayout.JAVA_BYTE, n - 1) != frames.get(ValueLayout.JAVA_BYTE,
                                (long) (received & (LENGTHS.length - 1)) * SLOT + n - 1)) {
                    errors++;
                }
                received++;
            } else if (sent - received >= window || sent == count) {
                a.reclaimTx(0);
                b.awaitRx(0, 1_000_000L);
                awaits++;
            }
        }
        return received;
    }

    int errors() {
        return errors;
    }
}
