package io.vhostdma.vhost.frontend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An allocation-free send/receive loop over preallocated native frames, and a {@link #main} that
 * measures its allocation in a fresh JVM: the JIT's type profiles inside the JDK's memory-access
 * code are JVM-wide, and other tests passing heap segments ({@code MemorySegment.ofArray}) make
 * them polymorphic, which defeats inlining and makes the same code allocate.
 */
final class SteadyPump {
    private static final int[] LENGTHS = {60, 128, 256, 512, 1000, 1514, 64, 1400};
    private static final int SLOT = 2048;
    /** Measured bursts of 12 000 frames each. */
    static final int BURSTS = 5;
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

    /** Sends native frames until one crosses a → b (the back end may drop frames right after setup). */
    boolean awaitPath() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            a.reclaimTx(0);
            a.send(0, frames, 0, LENGTHS[0]);
            if (b.awaitRx(0, 20_000_000L) && b.receive(0, dst, 0, 65536) > 0) {
                return true;
            }
        }
        return false;
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

    /**
     * Connects to {@code args[0]} (sender) and {@code args[1]} (receiver), warms up, measures three
     * bursts and prints {@code RESULT quietest=<bytes> worst=<bytes> errors=<n> moved=<frames> merged=<n>}.
     */
    public static void main(String[] args) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        FrontendOptions oa = FrontendOptions.builder(java.nio.file.Path.of(args[0])).memorySize(16L << 20).build();
        FrontendOptions ob = FrontendOptions.builder(java.nio.file.Path.of(args[1])).memorySize(16L << 20)
                .rxBufferSize(1024).build();
        try (VhostUserFrontend a = VhostUserFrontend.connect(oa); VhostUserFrontend b = VhostUserFrontend.connect(ob);
                Arena arena = Arena.ofConfined()) {
            SteadyPump pump = new SteadyPump(a, b, arena);
            if (!pump.awaitPath()) {
                System.out.println("RESULT nopath");
                return;
            }
            pump.drainStragglers();
            // warm-up: window 1 sends nearly every frame through awaitRx (epoll on the call eventfd), so
            // that path is JIT-compiled too (interpreted FFM downcalls allocate)
            long moved = pump.run(15_000, 1) + pump.run(20_000, 32);
            long quietest = Long.MAX_VALUE;
            long worst = 0;
            for (int burst = 0; burst < BURSTS; burst++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                long burstMoved = pump.run(2_000, 1) + pump.run(10_000, 32);
                long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                moved += burstMoved;
                quietest = Math.min(quietest, allocated);
                worst = Math.max(worst, allocated);
            }
            System.out.println("RESULT quietest=" + quietest + " worst=" + worst + " errors=" + pump.errors()
                    + " moved=" + moved + " merged=" + b.counters(0).rxMerged());
        }
    }
}
