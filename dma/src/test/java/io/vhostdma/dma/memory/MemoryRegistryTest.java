package io.vhostdma.dma.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.DmaStatus;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.Rig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Registry negative tests and the software IOMMU. */
class MemoryRegistryTest {
    private static final long PAGE = Rig.PAGE;

    @Test
    void shouldRefuseRegistrationWhenRangesOverlap() {
        try (Rig rig = new Rig("cpu")) {
            MemorySegment seg = rig.arena.allocate(PAGE * 4, PAGE);
            MemoryRegistry reg = rig.dmas.memory();
            reg.register(rig.guestA, seg.asSlice(0, PAGE * 2), null, PAGE);
            DmaException e = assertThrows(DmaException.AlreadyExists.class,
                () -> reg.register(rig.guestB, seg.asSlice(PAGE, PAGE * 2), null, PAGE));
            assertTrue(e.getMessage().contains("va overlaps"), e.getMessage());
            MemorySegment other = rig.arena.allocate(PAGE * 2, PAGE);
            long clash = seg.address(); // explicit IOVAs colliding with an IOVA-as-VA registration
            assertThrows(DmaException.AlreadyExists.class,
                () -> reg.register(rig.guestB, other, new long[] {clash + PAGE * 8, clash}, PAGE));
            reg.register(rig.guestB, seg.asSlice(PAGE * 2, PAGE * 2), null, PAGE);
            assertEquals(2, reg.registrations().size());
        }
    }

    @Test
    void shouldRefuseRegistrationWhenArgumentsAreInvalid() {
        try (Rig rig = new Rig("cpu")) {
            MemoryRegistry reg = rig.dmas.memory();
            MemorySegment seg = rig.arena.allocate(PAGE * 4, PAGE);
            assertEquals(DmaException.InvalidArgument.class, assertThrows(DmaException.class,
                () -> reg.register(rig.guestA, seg.asSlice(8, PAGE), null, PAGE)).getClass(), "misaligned va");
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.register(rig.guestA, seg.asSlice(0, PAGE + 8), null, PAGE));
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.register(rig.guestA, seg, null, 3000));
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.register(rig.guestA, seg, new long[] {0x10000, 0x20000}, PAGE), "page count");
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.register(rig.guestA, seg, new long[] {0x10000, 0x20000, 0x30010, 0x40000}, PAGE));
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.register(rig.guestA, MemorySegment.ofArray(new byte[8192]), null, PAGE), "heap");
            DomainId stranger = new DomainId(java.util.UUID.randomUUID(), 77);
            assertThrows(DmaException.InvalidArgument.class, () -> reg.register(stranger, seg, null, PAGE));
            assertThrows(DmaException.InvalidArgument.class,
                () -> reg.registerDmabuf(rig.guestA, seg, -1, 0, null, PAGE));
            assertEquals(0, reg.registrations().size());
        }
    }

    @Test
    void shouldHandBackFdAndOffsetWhenDmabufIsLookedUp() {
        try (Rig rig = new Rig("cpu")) {
            MemorySegment seg = rig.arena.allocate(PAGE * 2, PAGE);
            Registration r = rig.dmas.memory().registerDmabuf(rig.guestA, seg, 42, 0x3000, null, PAGE);
            Registration found = rig.dmas.memory().lookup(seg.address() + PAGE + 5);
            assertEquals(r, found);
            assertTrue(found.isDmabuf());
            assertEquals(42, found.dmabufFd(), "the fd value comes back unchanged");
            assertEquals(0x3000, found.dmabufOffset());
            rig.dmas.memory().unregister(r);
            assertEquals(42, r.dmabufFd(), "unregistering leaves the caller's fd alone");
            assertThrows(DmaException.NotFound.class, () -> rig.dmas.memory().lookup(seg.address()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldTranslateExplicitIovasWhenPagesAreScattered(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            Rig.fillRandom(host, 11);
            MemorySegment guest = rig.arena.allocate(PAGE * 3, PAGE);
            long[] iovas = {0x7000_0000L, 0x5000_0000L, 0x5000_1000L}; // page 0 alone, pages 1-2 contiguous
            Registration r = rig.dmas.memory().register(rig.guestA, guest, iovas, PAGE);
            DmaChannel ch = rig.ch();
            try {
                rig.dmas.memory().map(rig.device, r);
            } catch (DmaException.InvalidArgument e) { // a device that takes virtual addresses only (SVA)
                assertTrue(e.getMessage().contains("iova != va"), e.getMessage());
                assertTrue(rig.dmas.memory().mapped(rig.device).stream().noneMatch(x -> x == r), "not mapped");
                ch.copy(host.address(), 0x7000_0010L, 100, OpFlags.SUBMIT);
                assertArrayEquals(new int[] {DmaStatus.INVALID_DST_ADDR}, rig.awaitStatuses(ch, 1));
                return;
            }
            ch.copy(host.address(), 0x7000_0010L, 100, 0);
            ch.copy(host.address(), 0x5000_0ff0L, 100, 0); // crosses pages 1-2: one IOVA run
            ch.copy(host.address(), 0x7000_0ff0L, 100, OpFlags.SUBMIT); // page 0 ends: no run holds it
            assertArrayEquals(new int[] {0, 0, DmaStatus.INVALID_DST_ADDR}, rig.awaitStatuses(ch, 3));
            assertEquals(-1L, MemorySegment.mismatch(host, 0, 100, guest, 0x10, 0x10 + 100));
            assertEquals(-1L, MemorySegment.mismatch(host, 0, 100, guest, PAGE + 0xff0, PAGE + 0xff0 + 100));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldFailCopyWhenMemoryIsRegisteredButNotMapped(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.arena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE);
            DmaChannel ch = rig.ch();
            ch.copy(guest.address(), host.address(), 8, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.INVALID_SRC_ADDR}, rig.awaitStatuses(ch, 1));
            rig.dmas.memory().map(rig.device, r);
            assertThrows(DmaException.AlreadyExists.class, () -> rig.dmas.memory().map(rig.device, r));
            ch.copy(guest.address(), host.address(), 8, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.SUCCESS}, rig.awaitStatuses(ch, 1));
            rig.dmas.memory().unmap(rig.device, r);
            ch.copy(guest.address(), host.address(), 8, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.INVALID_SRC_ADDR}, rig.awaitStatuses(ch, 1));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCompleteWithRevokedWhenDomainIsRevoked(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.memory(rig.guestA, PAGE);
            host.fill((byte) 7);
            assertEquals(1, rig.dmas.memory().revoke(rig.guestA));
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), guest.address(), 64, 0);
            ch.copy(guest.address(), host.address(), 64, 0);
            boolean fills = rig.device.info().has(io.vhostdma.dma.DmaCapability.OPS_FILL);
            if (fills) {
                ch.fill(-1L, guest.address(), 64, 0);
            }
            ch.submit();
            int[] want = fills ? new int[] {DmaStatus.REVOKED, DmaStatus.REVOKED, DmaStatus.REVOKED}
                : new int[] {DmaStatus.REVOKED, DmaStatus.REVOKED};
            assertArrayEquals(want, rig.awaitStatuses(ch, want.length));
            assertEquals(0, guest.get(ValueLayout.JAVA_LONG, 0), "no byte moved into revoked memory");
            assertEquals(0x0707070707070707L, host.get(ValueLayout.JAVA_LONG, 0));
            assertTrue(rig.dmas.memory().lookup(guest.address()).revoked());
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldWaitForCopiesInFlightWhenUnmappingAndUnregistering(String engine) throws Exception {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.arena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE);
            rig.dmas.memory().map(rig.device, r);
            DmaChannel ch = rig.ch();
            host.fill((byte) 0x3C);
            // an engine that runs ops inside submit (cpu) has nothing in flight after a SUBMIT enqueue
            boolean async = rig.device.info().has(io.vhostdma.dma.DmaCapability.ASYNC);
            ch.copy(host.address(), guest.address() + 100, 64, OpFlags.SUBMIT);
            CompletableFuture<Void> unmap = CompletableFuture.runAsync(() -> rig.dmas.memory().unmap(rig.device, r));
            if (async) {
                Thread.sleep(300);
                assertFalse(unmap.isDone(), "unmap returned while the copy was not reaped");
            } else {
                unmap.get(5, TimeUnit.SECONDS);
            }
            rig.awaitCompleted(ch, 1);
            unmap.get(5, TimeUnit.SECONDS);
            assertEquals(-1L, MemorySegment.mismatch(host, 0, 64, guest, 100, 164), "the copy landed whole");
            ch.copy(host.address(), guest.address(), 64, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.INVALID_DST_ADDR}, rig.awaitStatuses(ch, 1), "unmapped now");
            rig.dmas.memory().map(rig.device, r);
            ch.copy(host.address(), guest.address(), 64, OpFlags.SUBMIT);
            CompletableFuture<Void> unregister = CompletableFuture.runAsync(() -> rig.dmas.memory().unregister(r));
            if (async) {
                Thread.sleep(300);
                assertFalse(unregister.isDone(), "unregister returned while the copy was not reaped");
            }
            rig.awaitCompleted(ch, 1);
            unregister.get(5, TimeUnit.SECONDS);
            assertTrue(rig.dmas.memory().registrations().stream().noneMatch(x -> x == r));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldGiveUpWithBusyAndStayMappedWhenCopiesOutliveTheDrainTimeout(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 64, 200_000_000L)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(rig.device.info().has(io.vhostdma.dma.DmaCapability.ASYNC),
                "an engine that runs ops inside submit has none in flight after it");
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.arena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE);
            rig.dmas.memory().map(rig.device, r);
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), guest.address() + 100, 64, OpFlags.SUBMIT); // never reaped below
            DmaException busy = assertThrows(DmaException.Busy.class, () -> rig.dmas.memory().unmap(rig.device, r));
            assertTrue(busy.getMessage().contains("copies in flight"), busy.getMessage());
            assertThrows(DmaException.Busy.class, () -> rig.dmas.memory().unregister(r));
            assertTrue(rig.dmas.memory().mapped(rig.device).contains(r), "still mapped after the refusal");
            ch.copy(guest.address(), host.address(), 8, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.SUCCESS, DmaStatus.SUCCESS}, rig.awaitStatuses(ch, 2),
                "the tables were restored");
            rig.dmas.memory().unregister(r);
            assertTrue(rig.dmas.memory().mapped(rig.device).isEmpty() || !rig.dmas.memory().mapped(rig.device).contains(r));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCompleteWithBusErrorWhenOwnerClosedTheMemory(String engine) {
        try (Rig rig = new Rig(engine)) {
            // a native engine would write into the freed memory: owners must unregister before freeing
            org.junit.jupiter.api.Assumptions.assumeFalse(
                rig.device.info().has(io.vhostdma.dma.DmaCapability.NATIVE_ACCESS), "undefined with a native engine");
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            Arena guestArena = Arena.ofShared();
            MemorySegment guest = guestArena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE);
            rig.dmas.memory().map(rig.device, r);
            guestArena.close(); // the owner unmapped without unregistering
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), guest.address(), 64, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.BUS_ERROR}, rig.awaitStatuses(ch, 1));
            assertTrue(rig.device.dump().contains("lastFault="), rig.device.dump());
        }
    }
}
