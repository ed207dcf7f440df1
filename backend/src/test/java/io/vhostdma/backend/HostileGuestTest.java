package io.vhostdma.backend;

import io.vhostdma.vhost.frontend.DriverVirtqueue;
import io.vhostdma.vhost.frontend.GuestMemoryImage;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.frontend.VringDescLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A guest that breaks its TX ring gets that ring stopped (counted, logged); vhostd keeps serving
 * every other port, and the broken port works again after its guest reconnects.
 */
class HostileGuestTest {
    private static final int NEXT = VringDescLayout.F_NEXT;
    private static final int INDIRECT = VringDescLayout.F_INDIRECT;
    @TempDir
    Path dir;

    /** What the attacker does to its TX ring {@code q}; a null return means "publish and kick normally". */
    interface Attack {
        boolean apply(DriverVirtqueue q, GuestMemoryImage m);
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("descriptor loop", (q, m) -> {
                    long buf = m.allocate(4096, 64);
                    q.writeDescriptor(0, buf, 64, NEXT, 1);
                    q.writeDescriptor(1, buf, 64, NEXT, 0);
                    q.addAvail(0);
                    return true;
                }),
                attack("head at or above ring size", (q, m) -> {
                    q.addAvail(q.size() + 3);
                    return true;
                }),
                attack("avail.idx jumps by more than the ring size", (q, m) -> {
                    q.publishAvailIdx(q.size() + 1);
                    return false;
                }),
                attack("address outside guest memory", (q, m) -> {
                    q.writeDescriptor(0, 1L << 50, 64, 0, 0);
                    q.addAvail(0);
                    return true;
                }),
                attack("addr + len overflows 2^64", (q, m) -> {
                    q.writeDescriptor(0, -4096L, 8192, 0, 0);
                    q.addAvail(0);
                    return true;
                }),
                attack("indirect with NEXT", (q, m) -> {
                    long buf = m.allocate(4096, 64);
                    long table = m.allocate(32, 16);
                    MemorySegment s = m.segmentOf(table, 32);
                    VringDescLayout.write(s, m.offsetOf(table), buf, 12, NEXT, 1);
                    VringDescLayout.write(s, m.offsetOf(table) + 16, buf + 12, 64, 0, 0);
                    q.writeDescriptor(0, table, 32, INDIRECT | NEXT, 1);
                    q.writeDescriptor(1, buf, 64, 0, 0);
                    q.addAvail(0);
                    return true;
                }),
                attack("chain longer than the ring (indirect table of 2 x size entries)", (q, m) -> {
                    int n = 2 * q.size();
                    long buf = m.allocate(4096, 64);
                    long table = m.allocate(16L * n, 16);
                    MemorySegment s = m.segmentOf(table, 16L * n);
                    for (int i = 0; i < n; i++) {
                        VringDescLayout.write(s, m.offsetOf(table) + 16L * i, buf, 16, i + 1 < n ? NEXT : 0, i + 1);
                    }
                    q.writeDescriptor(0, table, 16 * n, INDIRECT, 0);
                    q.addAvail(0);
                    return true;
                }));
    }

    private static Arguments attack(String name, Attack a) {
        return Arguments.of(name, a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldStopOnlyTheBrokenRingWhenGuestCorruptsItsTxRing(String name, Attack attack) {
        BrokenRingRun.run(name, BrokenRingRun.threePorts(dir, false), o -> o, fe -> corrupt(fe, attack));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void shouldStopOnlyTheBrokenRingWhenGuestCorruptsItsTxRingWithEveryQueueBoundToDma(String name, Attack attack) {
        BrokenRingRun.run(name, BrokenRingRun.threePorts(dir, true), o -> o, fe -> corrupt(fe, attack));
    }

    private static void corrupt(VhostUserFrontend fe, Attack attack) {
        DriverVirtqueue q = fe.ring(1);
        if (attack.apply(q, fe.memory())) {
            q.publish();
        }
    }
}
