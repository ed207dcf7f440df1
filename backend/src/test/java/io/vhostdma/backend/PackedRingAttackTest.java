package io.vhostdma.backend;

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
        BrokenRingRun.run(name, BrokenRingRun.threePorts(dir, false), PACKED, fe -> attack.apply(fe.ring(1), fe.memory()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldStopOnlyTheBrokenPackedRingWithEveryQueueBoundToDma(String name, Attack attack) {
        BrokenRingRun.run(name, BrokenRingRun.threePorts(dir, true), PACKED, fe -> attack.apply(fe.ring(1), fe.memory()));
    }
}
