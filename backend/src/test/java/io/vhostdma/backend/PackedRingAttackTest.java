package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.frontend.DriverVirtqueue;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.GuestMemoryImage;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VirtioFeatures;
import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.virtq.PackedRingLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A guest that breaks its packed TX ring gets that ring stopped (counted, logged), on the CPU and the DMA path;
 * vhostd keeps serving every other port, and the port works again after its guest reconnects.
 */
class PackedRingAttackTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    private static final long C = Frames.mac(0xc);
    private static final int AVAIL = PackedRingLayout.F_AVAIL; // available on the first lap (wrap counter 1)
    private static final int NEXT = PackedRingLayout.F_NEXT;
    private static final UnaryOperator<FrontendOptions.Builder> PACKED =
            o -> o.features(VirtioFeatures.DEFAULT | VirtioNetFeatures.RING_PACKED);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    @TempDir
    Path dir;

    /** Writes descriptor {@code slot} of packed ring {@code q} straight into guest memory, its flags last. */
    private static void desc(DriverVirtqueue q, GuestMemoryImage m, int slot, long addr, int len, int id, int flags) {
        long gpa = q.descGpa() + 16L * slot;
        MemorySegment s = m.segmentOf(gpa, 16);
        long off = m.offsetOf(gpa);
        s.set(LE64, off, addr);
        s.set(LE32, off + 8, len);
        s.set(LE16, off + 12, (short) id);
        s.set(LE16, off + 14, (short) flags);
    }

    interface Attack {
        void apply(DriverVirtqueue q, GuestMemoryImage m);
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of("buffer id at or above ring size", (Attack) (q, m) ->
                        desc(q, m, 0, m.allocate(4096, 64), 64, q.size() + 3, AVAIL)),
                Arguments.of("every descriptor chains to the next (a loop)", (Attack) (q, m) -> {
                    long buf = m.allocate(4096, 64);
                    for (int i = q.size() - 1; i >= 0; i--) {
                        desc(q, m, i, buf, 64, 0, AVAIL | NEXT);
                    }
                }),
                Arguments.of("address outside guest memory", (Attack) (q, m) -> desc(q, m, 0, 1L << 50, 64, 0, AVAIL)),
                Arguments.of("addr + len overflows 2^64", (Attack) (q, m) -> desc(q, m, 0, -4096L, 8192, 0, AVAIL)),
                Arguments.of("indirect with NEXT", (Attack) (q, m) -> {
                    long buf = m.allocate(4096, 64);
                    desc(q, m, 1, buf, 64, 0, AVAIL);
                    desc(q, m, 0, m.allocate(32, 16), 32, 0, AVAIL | NEXT | PackedRingLayout.F_INDIRECT);
                }),
                Arguments.of("readable after writable", (Attack) (q, m) -> {
                    long buf = m.allocate(4096, 64);
                    desc(q, m, 1, buf, 64, 0, AVAIL);
                    desc(q, m, 0, buf, 64, 0, AVAIL | NEXT | PackedRingLayout.F_WRITE);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldStopOnlyTheBrokenPackedRingWhenGuestCorruptsIt(String name, Attack attack) {
        corrupt(name, attack, DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldStopOnlyTheBrokenPackedRingWithEveryQueueBoundToDma(String name, Attack attack) {
        DaemonFixture.Builder b = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .dma("dma0", "sw", 6, 256, 0.0, 0).group("g", AsyncDataPathTest.TOKEN, "a", "b", "c");
        int ch = 0;
        for (String port : List.of("a", "b", "c")) {
            b.bind(port, "rxq0", "dma0", ch++).bind(port, "txq0", "dma0", ch++);
        }
        corrupt(name, attack, b);
    }

    private void corrupt(String name, Attack attack, DaemonFixture.Builder builder) {
        try (LogCapture log = new LogCapture("io.vhostdma.dataplane");
                DaemonFixture d = builder.start()) {
            VhostUserFrontend a = d.connect("a", PACKED);
            VhostUserFrontend b = d.connect("b", PACKED);
            VhostUserFrontend c = d.connect("c", PACKED);
            DriverVirtqueue q = a.ring(1);
            attack.apply(q, a.memory());
            q.kick();
            QueueCounters tx = d.counters("a").tx(0);
            DaemonFixture.awaitUntil(() -> tx.ringErrors() == 1, "ring error counted: " + name);
            DaemonFixture.awaitUntil(() -> log.warnings().stream().anyMatch(w -> w.contains("ring stopped on guest error")
                    && w.contains("port=a") && w.contains("ring=1")), "WARNING logged: " + name);
            assertEquals(0, tx.packets(), "nothing forwarded from the broken ring");
            Flow.run(List.of(new Flow(b, c, 0, C, B, Frames.sizes(200, 1, 0, 0), 1),
                    new Flow(c, b, 0, B, C, Frames.sizes(200, 2, 0, 0), 2)), 30_000);
            assertEquals(1, tx.ringErrors(), "stopped exactly once: " + name);
            d.disconnect("a", a);
            VhostUserFrontend a2 = d.connect("a", PACKED);
            Flow.run(List.of(new Flow(a2, b, 0, B, A, Frames.sizes(100, 3, 0, 0), 3),
                    new Flow(b, a2, 0, A, B, Frames.sizes(100, 4, 0, 0), 4)), 30_000);
            assertEquals(1, tx.ringErrors(), "the new session's ring is healthy");
        }
    }
}
