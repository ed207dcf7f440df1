package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** CPU pinning of the calling thread ({@code sched_setaffinity}). */
public final class Affinity {
    private Affinity() {
    }

    /** Pins the calling thread to {@code cpu} (0..1023). */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= 1024) {
            throw new IllegalArgumentException("cpu out of range: cpu=" + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(128, 8);
            long word = mask.get(ValueLayout.JAVA_LONG, (cpu / 64) * 8L);
            mask.set(ValueLayout.JAVA_LONG, (cpu / 64) * 8L, word | (1L << (cpu % 64)));
            int r = (int) Libc.SCHED_SETAFFINITY.invokeExact(Libc.state(), 0, 128L, mask);
            if (r < 0) {
                throw Libc.fail("sched_setaffinity", "cpu=" + cpu);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("sched_setaffinity", t);
        }
    }
}
