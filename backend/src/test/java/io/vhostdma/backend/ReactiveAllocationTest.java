package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vhostdma.backend.dataplane.WorkerStats;
import io.vhostdma.backend.reactive.ReceiveOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker allocates nothing on the reactive paths: a's guest TX frames go through the tap to a
 * subscriber that sends each batch into b's guest through b's injector (as {@link WorkerAllocationTest},
 * warm-up until two quiet rounds, then a measured round must allocate exactly 0 bytes on the worker). With a receiver
 * keeping offloads ({@link ReceiveOptions#OFFLOADS}) a sends every frame with a partial checksum (NEEDS_CSUM), the
 * tap keeps its fields, and b (GUEST_CSUM) gets them in its RX header.
 */
class ReactiveAllocationTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final int[] LENGTHS = {60, 128, 256, 512, 1000, 1514, 64, 1400};
    private static final int SLOT = 2048;
    private static final int ROUND = 20_000;
    private static final int MAX_WARMUP_ROUNDS = 40;
    private static final int MEASURED_ROUNDS = 3;
    @TempDir
    Path dir;

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("CPU copies", false, false, (UnaryOperator<DaemonFixture.Builder>) b -> b),
                Arguments.of("DMA cpu engine on b's rxq0", false, false, (UnaryOperator<DaemonFixture.Builder>) b -> b
                        .dma("dma0", "cpu", 2, 256, 0, 0).bind("b", "rxq0", "dma0", 0)),
                Arguments.of("lent receive, CPU copies", true, false, (UnaryOperator<DaemonFixture.Builder>) b -> b),
                Arguments.of("receive keeping offloads, CPU copies", false, true,
                        (UnaryOperator<DaemonFixture.Builder>) b -> b),
                Arguments.of("lent receive keeping offloads, CPU copies", true, true,
                        (UnaryOperator<DaemonFixture.Builder>) b -> b));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void shouldAllocateNothingOnWorkerWhenTappedFramesAreSentBack(String path, boolean lent, boolean offloads,
            UnaryOperator<DaemonFixture.Builder> setup) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ReactiveFixture f = new ReactiveFixture(dir,
                setup.apply(DaemonFixture.builder(dir).port("a", 1).port("b", 1)).config());
                Arena arena = Arena.ofConfined()) {
            long extra = offloads ? VirtioNetFeatures.CSUM | VirtioNetFeatures.GUEST_CSUM : 0;
            VhostUserFrontend a = f.connect("a", o -> o.features(VirtioFeatures.DEFAULT | extra));
            VhostUserFrontend b = f.connect("b", o -> o.features(VirtioFeatures.DEFAULT | extra));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            ReceiveOptions options = offloads ? ReceiveOptions.OFFLOADS : ReceiveOptions.DEFAULT;
            Cancellable sub = (lent ? f.backend.receiveLent("a", options) : f.backend.receive("a", options)).onItem()
                    .transformToUniAndConcatenate(batch -> f.backend.send("b", batch).eventually(batch::release))
                    .subscribe().with(n -> { }, failure::set);
            for (String port : new String[] {"a", "b"}) { // rx and tx ring of each port attached in its worker
                var state = f.backend.vhostd().dataPlane().port(port);
                ReactiveFixture.awaitUntil(() -> state.started(0) && state.started(1), "rings of " + port + " started");
            }
            f.settle();
            Loop loop = new Loop(a, b, arena, offloads ? new OffloadHeader().set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0,
                    34, 16) : null);
            long tid = f.backend.vhostd().dataPlane().threads()[0].threadId();
            WorkerStats stats = f.backend.vhostd().dataPlane().workers()[0].stats();
            assertTrue(loop.run(100_000), () -> "warm-up traffic: sent=" + loop.sent + " received=" + loop.received
                    + " a=" + f.counters("a").snapshot() + " b=" + f.counters("b").snapshot());
            StringBuilder history = new StringBuilder();
            int quiet = 0;
            for (int round = 0; round < MAX_WARMUP_ROUNDS && quiet < 2; round++) {
                long before = mx.getThreadAllocatedBytes(tid);
                assertTrue(loop.run(ROUND), "warm-up round " + round);
                long bytes = mx.getThreadAllocatedBytes(tid) - before;
                quiet = bytes == 0 ? quiet + 1 : 0;
                history.append(bytes).append(' ');
            }
            StringBuilder measured = new StringBuilder();
            long allocated = -1;
            for (int round = 0; round < MEASURED_ROUNDS && allocated != 0; round++) {
                long packets0 = stats.packets();
                long before = mx.getThreadAllocatedBytes(tid);
                assertTrue(loop.run(ROUND), "measured traffic");
                allocated = mx.getThreadAllocatedBytes(tid) - before;
                long moved = stats.packets() - packets0;
                assertTrue(moved >= ROUND, "worker moved " + moved + " frames");
                measured.append(allocated).append(" bytes/").append(moved).append(" frames; ");
            }
            System.out.printf("reactive %s: worker allocation: warm-up [%s] bytes; measured [%s]%n", path,
                    history.toString().trim(), measured.toString().trim());
            assertNull(failure.get(), "subscriber failure");
            assertEquals(0, loop.wrongLength, "frames arrived with their lengths");
            assertEquals(0, loop.wrongHeader, "frames arrived with their offload fields");
            assertEquals(0, f.counters("a").tx(0).csumFixups() + f.counters("b").rx(0).csumFixups(),
                    "no checksum completed: the fields travelled with the frames");
            assertEquals(0, f.counters("a").snapshot().totalDrops() + f.counters("b").snapshot().totalDrops(), "drops");
            assertEquals(0L, allocated, "bytes allocated by the worker in a measured round; rounds ["
                    + measured.toString().trim() + "], warm-up [" + history.toString().trim() + "]");
            sub.cancel();
        }
    }

    /** a sends windowed frames to B (tapped), b receives them (sent back by the subscriber). */
    private static final class Loop {
        private final VhostUserFrontend a;
        private final VhostUserFrontend b;
        private final MemorySegment frames;
        private final MemorySegment dst;
        /** The fields a sends every frame with, or null. */
        private final OffloadHeader offload;
        private long sent;
        private long received;
        long wrongLength;
        long wrongHeader;

        Loop(VhostUserFrontend a, VhostUserFrontend b, Arena arena, OffloadHeader offload) {
            this.a = a;
            this.b = b;
            this.offload = offload;
            this.frames = arena.allocate((long) SLOT * LENGTHS.length);
            for (int i = 0; i < LENGTHS.length; i++) {
                MemorySegment.copy(MemorySegment.ofArray(Frames.frame(B, A, i, LENGTHS[i], 77)), 0, frames,
                        (long) i * SLOT, LENGTHS[i]);
            }
            this.dst = arena.allocate(65536);
        }

        boolean run(long count) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            long target = received + count;
            while (received < target) {
                boolean moved = false;
                if (sent - received < 64 && sent < target) {
                    int i = (int) (sent & 7);
                    int r = a.send(0, frames, (long) i * SLOT, LENGTHS[i], offload);
                    sent += r;
                    moved |= r > 0;
                }
                int n;
                while ((n = b.receive(0, dst, 0, 65536)) > 0) {
                    wrongLength += n == LENGTHS[(int) (received & 7)] ? 0 : 1;
                    wrongHeader += b.lastRxOffload(0).flags() == (offload == null ? 0 : offload.flags()) ? 0 : 1;
                    received++;
                    moved = true;
                }
                if (!moved) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    a.reclaimTx(0);
                    b.awaitRx(0, 1_000_000L);
                }
            }
            return true;
        }
    }
}
