package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.access.HandlePair;
import io.vhostdma.dma.memory.DomainId;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast path allocates nothing: on the submitting thread, and on the sw engine thread. */
class ZeroAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldAllocateNothingPerOpWhenInSteadyState(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 256)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            MemorySegment b = rig.memory(rig.guestB, Rig.PAGE * 4);
            UUID token = UUID.randomUUID();
            int g = rig.dmas.access().create(rig.device, rig.guestA, token);
            rig.dmas.access().join(rig.device, g, rig.guestB, token, null);
            HandlePair hp = rig.dmas.access().handles(rig.device, g, rig.guestA, rig.guestB);
            Burst burst = new Burst(rig.ch(), host.address(), a.address(), b.address(), hp.toFlags(0));
            long engineThread = engine.equals("sw")
                ? engineThreadId("dma-sw-" + rig.device.name()) : Thread.currentThread().threadId();
            for (int i = 0; i < 3000; i++) {
                burst.run(); // warm-up: let the JIT compile the fast path
            }
            // Steady state: a round of 2000 bursts (64k ops) in which neither thread allocated. A real
            // per-op allocation shows in every round; a one-off (a late JIT recompilation or
            // deoptimisation re-materialising an object) does not repeat, so allow a few rounds for it.
            long[] round = new long[2];
            for (int r = 0; r < MAX_ROUNDS; r++) {
                measure(burst, engine.equals("sw") ? engineThread : -1, round);
                if (round[0] == 0 && round[1] == 0) {
                    break;
                }
            }
            assertEquals(0, round[0], "bytes allocated by the submitting thread in a steady-state round");
            assertEquals(0, round[1], "bytes allocated by the engine thread in a steady-state round");
            assertTrue(rig.device.stats().completed() >= 5000L * Burst.OPS);
            assertEquals(0, rig.device.stats().errors());
        }
    }

    private static final int MAX_ROUNDS = 10;

    /** Runs one round; {@code out[0]} = bytes allocated by this thread, {@code out[1]} by the engine thread. */
    private static void measure(Burst burst, long engineThread, long[] out) {
        long engineBefore = engineThread < 0 ? 0 : THREADS.getThreadAllocatedBytes(engineThread);
        long before = THREADS.getCurrentThreadAllocatedBytes(); // allocation-free, unlike the by-id probe
        for (int i = 0; i < 2000; i++) {
            burst.run();
        }
        long after = THREADS.getCurrentThreadAllocatedBytes();
        long engineAfter = engineThread < 0 ? 0 : THREADS.getThreadAllocatedBytes(engineThread);
        out[0] = after - before;
        out[1] = engineAfter - engineBefore;
    }

    /** One steady-state burst: copies (host→guest, guest→host, guest→guest), fill (or a copy), submit, reap. */
    private static final class Burst {
        static final int OPS = 32;
        private final DmaChannel ch;
        private final long host;
        private final long a;
        private final long b;
        private final long handles;
        private final int[] statuses = new int[OPS];
        private final CompletionInfo info = new CompletionInfo();
        private final boolean fills;

        Burst(DmaChannel ch, long host, long a, long b, long handles) {
            this.ch = ch;
            this.fills = ch.device().info().has(DmaCapability.OPS_FILL);
            this.host = host;
            this.a = a;
            this.b = b;
            this.handles = handles;
        }

        void run() {
            for (int k = 0; k < OPS; k += 4) {
                ch.copy(host + k * 64L, a + k * 64L, 64, 0);
                ch.copy(a + k * 64L, host + 8192 + k * 64L, 1518, 0);
                ch.copy(a + k * 64L, b + k * 64L, 256, handles);
                if (fills) {
                    ch.fill(0x0101010101010101L, b + 8192 + k * 8L, 8, 0);
                } else {
                    ch.copy(host + k * 8L, b + 8192 + k * 8L, 8, 0); // a device without fill: one more copy
                }
            }
            ch.submit();
            int got = 0;
            while (got < OPS / 2) {
                got += ch.completed(OPS / 2 - got, info);
            }
            while (got < OPS) {
                got += ch.completedStatus(OPS - got, statuses, info);
            }
        }
    }

    private static long engineThreadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.threadId();
            }
        }
        throw new AssertionError("no thread " + name);
    }
}
