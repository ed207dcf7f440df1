package io.vhostdma.vhost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.Memfd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CONFIGURE_MEM_SLOTS on a session: each ADD_MEM_REG maps one region into the device's table, REM_MEM_REG takes it
 * out and unmaps it only after the table swap (a data-plane quiesce) completed; duplicate, overlapping and
 * over-limit regions, unknown removals and slots after SET_MEM_TABLE are refused with every fd closed. The session's
 * {@link GuestMemoryListener} hears of every change (retiring the old table, then the new one) while the old table
 * is still mapped.
 */
class MemorySlotsTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long SIZE = 1L << 20;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment payload = arena.allocate(256, 8);
    private FdLeakCheck fds;
    private RecordingDataPlane plane;
    private VhostUserSession session;
    /** What the session told its memory listener: {@code retiring N}, {@code changed N->M} (region counts). */
    private final java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final GuestMemoryListener memory = new GuestMemoryListener() {
        @Override
        public java.util.concurrent.CompletableFuture<Void> memoryRetiring(VhostDevice device) {
            told.add("retiring " + device.memory().regionCount());
            return GuestMemoryListener.super.memoryRetiring(device);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> memoryChanged(VhostDevice device,
                io.vhostdma.vhost.memory.GuestMemory old, io.vhostdma.vhost.memory.GuestMemory next) {
            for (int i = 0; i < old.regionCount(); i++) {
                assertTrue(old.segment(i).scope().isAlive(), "the old table is unmapped only after the listener");
            }
            assertEquals(next, device.memory(), "the device has the new table when the listener hears of it");
            told.add("changed " + old.regionCount() + "->" + next.regionCount());
            return GuestMemoryListener.super.memoryChanged(device, old, next);
        }
    };

    @BeforeEach
    void setUp() {
        fds = FdLeakCheck.begin();
        plane = new RecordingDataPlane();
        session = new VhostUserSession("slots", 1, plane, memory, Runnable::run, new SessionCounters());
        negotiate(ProtocolFeatures.bit(ProtocolFeatures.CONFIGURE_MEM_SLOTS)
                | ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK));
    }

    @AfterEach
    void tearDown() {
        session.disconnect().toCompletableFuture().join();
        assertEquals(0, session.device().memory().regionCount(), "table after disconnect");
        arena.close();
        fds.assertNoLeak("disconnect");
    }

    @Test
    void shouldMapEachRegionAndUnmapItOnlyAfterTheSwapWhenRemoved() {
        Reply max = session.handle(Request.GET_MAX_MEM_SLOTS, 0x1, payload, 0, new int[0], 0).toCompletableFuture()
                .join();
        assertEquals(MemorySlots.MAX_SLOTS, max.value(), "GET_MAX_MEM_SLOTS");
        String a = name();
        String b = name();
        Region ra = add(a, 0, 0x10_0000_0000L);
        add(b, 4 * SIZE, 0x20_0000_0000L);
        assertEquals(2, session.device().memory().regionCount());
        assertEquals(1, mappings(a));
        assertEquals(1, mappings(b));
        int quiesces = plane.quiesces.get();
        region(ra);
        session.handle(Request.REM_MEM_REG, 0x9, payload, 40, new int[0], 0).toCompletableFuture().join();
        assertEquals(1, session.device().memory().regionCount(), "one region left");
        assertEquals(4 * SIZE, session.device().memory().gpaBase(0));
        assertEquals(0, mappings(a), "removed region unmapped");
        assertEquals(1, mappings(b), "the other region stays mapped");
        assertTrue(plane.quiesces.get() > quiesces, "unmapped after a quiesce");
        session.disconnect().toCompletableFuture().join();
        assertEquals(0, mappings(b), "unmapped at disconnect");
    }

    @Test
    void shouldTellTheMemoryListenerOfEachRegionChangeWhileTheOldTableIsMapped() {
        Region ra = add(name(), 0, 0x10_0000_0000L);
        add(name(), 4 * SIZE, 0x20_0000_0000L);
        region(ra);
        session.handle(Request.REM_MEM_REG, 0x9, payload, 40, new int[0], 0).toCompletableFuture().join();
        session.disconnect().toCompletableFuture().join();
        assertEquals(java.util.List.of("changed 0->1", "retiring 1", "changed 1->2", "retiring 2", "changed 2->1",
                "retiring 1", "changed 1->0"), told, "no retiring without a table; every change told once, in order");
    }

    @Test
    void shouldRefuseDuplicateAndOverlappingRegions() {
        add(name(), 0, 0x10_0000_0000L);
        assertEquals(ProtocolException.Kind.BAD_VALUE, refusedAdd(name(), 0, 0x10_0000_0000L).kind(), "duplicate");
        assertEquals(ProtocolException.Kind.BAD_VALUE, refusedAdd(name(), SIZE / 2, 0x30_0000_0000L).kind(),
                "overlapping guest-physical range");
        assertEquals(ProtocolException.Kind.BAD_VALUE, refusedAdd(name(), 8 * SIZE, 0x10_0000_0000L + 4096).kind(),
                "overlapping user range");
        assertEquals(1, session.device().memory().regionCount(), "nothing added");
    }

    @Test
    void shouldRefuseRegionsBeyondTheLimit() {
        for (int i = 0; i < MemorySlots.MAX_SLOTS; i++) {
            add(name(), i * 2 * SIZE, 0x10_0000_0000L + i * 2 * SIZE);
        }
        String extra = name();
        assertEquals(ProtocolException.Kind.BAD_VALUE,
                refusedAdd(extra, 64 * SIZE, 0x40_0000_0000L).kind(), "over the limit");
        assertEquals(0, mappings(extra), "nothing mapped");
        assertEquals(MemorySlots.MAX_SLOTS, session.device().memory().regionCount());
    }

    @Test
    void shouldRefuseRemovalOfAnUnknownRegion() {
        add(name(), 0, 0x10_0000_0000L);
        region(new Region(0, SIZE / 2, 0x10_0000_0000L));
        CompletionException e = assertThrows(CompletionException.class, () -> session.handle(Request.REM_MEM_REG,
                0x1, payload, 40, new int[0], 0).toCompletableFuture().join());
        assertEquals(ProtocolException.Kind.BAD_VALUE,
                assertInstanceOf(ProtocolException.class, VhostUserSession.cause(e)).kind());
    }

    @Test
    void shouldRefuseSlotsWhenNotNegotiated() {
        negotiate(ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK));
        assertEquals(ProtocolException.Kind.NOT_NEGOTIATED, refusedAdd(name(), 0, 0x10_0000_0000L).kind());
    }

    private record Region(long gpa, long size, long uva) {
    }

    private Region add(String name, long gpa, long uva) {
        Region r = new Region(gpa, SIZE, uva);
        region(r);
        int fd = Memfd.create(name, SIZE);
        Reply ack = session.handle(Request.ADD_MEM_REG, 0x9, payload, 40, new int[] {fd}, 1).toCompletableFuture()
                .join();
        assertEquals(0, ack.value(), "ack");
        return r;
    }

    private ProtocolException refusedAdd(String name, long gpa, long uva) {
        region(new Region(gpa, SIZE, uva));
        int[] sent = {Memfd.create(name, SIZE)};
        CompletionException e = assertThrows(CompletionException.class, () -> session.handle(Request.ADD_MEM_REG,
                0x9, payload, 40, sent, 1).toCompletableFuture().join());
        return assertInstanceOf(ProtocolException.class, VhostUserSession.cause(e));
    }

    private void region(Region r) {
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.GPA, r.gpa());
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.SIZE, r.size());
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.UVA, r.uva());
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 + MemoryRegionLayout.MMAP_OFFSET, 0L);
    }

    private void negotiate(long protocolFeatures) {
        payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, protocolFeatures);
        session.handle(Request.SET_PROTOCOL_FEATURES, 0x1, payload, 8, new int[0], 0).toCompletableFuture().join();
    }

    private static String name() {
        return "vhost-test-slot-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    private static long mappings(String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("/memfd:" + name + " ")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
