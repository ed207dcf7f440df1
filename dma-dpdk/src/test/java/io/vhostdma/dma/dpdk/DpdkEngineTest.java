package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.DmaDevices;
import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.DmaStatus;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.Rig;
import io.vhostdma.dma.TestEngines;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dpdk engine on DPDK's skeleton dmadev (this JVM runs the EAL: surefire forks one per test class):
 * seed 003's calls made and undone, refusals before the device sees an op, DPDK's statistics, device
 * names. {@code rte_dev_dma_map} maps nothing on a vdev, so what is proven is that the calls are made in
 * order with the right ranges and that DPDK holds the memory as external memory while they are.
 */
class DpdkEngineTest {
    private static final long PAGE = Rig.PAGE;

    @Test
    void shouldRegisterExtmemAndMapForTheDeviceThenUndoBothWhenMemoryComesAndGoes() {
        try (Rig rig = new Rig("dpdk")) {
            DpdkRuntime rt = DpdkRuntime.current();
            MemorySegment seg = rig.arena.allocate(4 * PAGE, PAGE);
            long va = seg.address();
            assertFalse(rt.extmem.known(va), "unknown to DPDK before registration");
            Registration r = rig.dmas.memory().register(rig.guestA, seg, null, PAGE);
            assertTrue(rt.extmem.known(va), "rte_extmem_register made it an external memseg list");
            int before = rt.maps.ledger().size();
            rig.dmas.memory().map(rig.device, r);
            String range = "dev=dma_skeleton0 va=0x" + Long.toHexString(va) + " iova=0x" + Long.toHexString(va)
                + " len=" + 4 * PAGE;
            assertEquals(List.of("rte_dev_dma_map " + range), rt.maps.ledger().subList(before, before + 1));
            assertTrue(rig.device.dump().contains("mapped-registrations=1"), rig.device.dump());
            rig.dmas.memory().unregister(r); // unmaps from the device first
            assertEquals(List.of("rte_dev_dma_map " + range, "rte_dev_dma_unmap " + range),
                rt.maps.ledger().subList(before, rt.maps.ledger().size()));
            assertFalse(rt.extmem.known(va), "rte_extmem_unregister gave it back");
        }
    }

    @Test
    void shouldCallDeviceUnmapOnlyAfterTheCopiesInFlightWereReaped() throws Exception {
        try (Rig rig = new Rig("dpdk")) {
            DpdkRuntime rt = DpdkRuntime.current();
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.arena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE);
            rig.dmas.memory().map(rig.device, r);
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), guest.address(), 64, OpFlags.SUBMIT); // in flight until reaped
            CompletableFuture<Void> unmap = CompletableFuture.runAsync(() -> rig.dmas.memory().unmap(rig.device, r));
            Thread.sleep(300);
            String unmapCall = "rte_dev_dma_unmap dev=dma_skeleton0 va=0x" + Long.toHexString(guest.address());
            assertFalse(unmap.isDone(), "unmap waits for the copy");
            assertTrue(rt.maps.ledger().stream().noneMatch(l -> l.startsWith(unmapCall)), "the device still maps it");
            rig.awaitCompleted(ch, 1);
            unmap.get(5, TimeUnit.SECONDS);
            assertTrue(rt.maps.ledger().stream().anyMatch(l -> l.startsWith(unmapCall)), "unmapped after the drain");
            rig.dmas.memory().unregister(r);
            assertFalse(rt.extmem.known(guest.address()));
        }
    }

    @Test
    void shouldFailDeviceMapWhenDpdkDoesNotKnowTheMemory() {
        try (Rig rig = new Rig("dpdk"); DmaDevices other = new DmaDevices()) {
            other.create("cpu0", "cpu"); // a layer whose registrations never reach DPDK
            MemorySegment seg = rig.arena.allocate(PAGE, PAGE);
            Registration stranger = other.memory().register(DomainId.HOST, seg, null, PAGE);
            DpdkRuntime rt = DpdkRuntime.current();
            DeviceInfo skeleton = rt.claimedInfo("dma_skeleton0");
            DmaException e = assertThrows(DmaException.class, () -> rt.maps.map(skeleton, stranger));
            assertEquals(DmaErrno.EIO, e.errno());
            assertTrue(e.getMessage().contains("rte_dev_dma_map") && e.getMessage().contains("Invalid argument"),
                e.getMessage());
        }
    }

    @Test
    void shouldRefuseCopyIntoUnmappedMemoryBeforeTheDeviceSeesIt() {
        try (Rig rig = new Rig("dpdk")) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.arena.allocate(PAGE, PAGE);
            Registration r = rig.dmas.memory().register(rig.guestA, guest, null, PAGE); // registered, not mapped
            DmaChannel ch = rig.ch();
            long submitted = ch.stats().engineCounter("dpdk.submitted");
            ch.copy(host.address(), guest.address(), 64, 0);
            ch.copy(host.address(), host.address() + 2048, 64, 0);
            ch.copy(guest.address(), host.address(), 64, OpFlags.SUBMIT);
            assertArrayEquals(new int[] {DmaStatus.INVALID_DST_ADDR, DmaStatus.SUCCESS, DmaStatus.INVALID_SRC_ADDR},
                rig.awaitStatuses(ch, 3));
            assertEquals(submitted + 1, ch.stats().engineCounter("dpdk.submitted"), "only the good op reached DPDK");
            assertEquals(2, ch.stats().errors());
            rig.dmas.memory().unregister(r);
        }
    }

    @Test
    void shouldCountDpdkStatisticsAsEngineCountersWhenCopiesComplete() {
        try (Rig rig = new Rig("dpdk")) {
            MemorySegment host = rig.memory(DomainId.HOST, PAGE);
            MemorySegment guest = rig.memory(rig.guestA, PAGE);
            Rig.fillRandom(host, 5);
            DmaChannel ch = rig.ch();
            long before = ch.stats().engineCounter("dpdk.completed");
            for (int i = 0; i < 10; i++) {
                ch.copy(host.address() + i * 100L, guest.address() + i * 100L, 100, 0);
            }
            ch.submit();
            rig.awaitCompleted(ch, 10);
            assertEquals(-1L, MemorySegment.mismatch(host, 0, 1000, guest, 0, 1000), "the skeleton's thread copied");
            assertEquals(before + 10, ch.stats().engineCounter("dpdk.completed"));
            assertEquals(0, ch.stats().engineCounter("dpdk.errors"));
            assertEquals(1000, ch.stats().bytes(0, rig.guestA.handle()));
            assertTrue(rig.device.info().has(DmaCapability.NATIVE_ACCESS | DmaCapability.ASYNC));
            assertTrue(rig.device.dump().contains("dpdk-device=dma_skeleton0"), rig.device.dump());
        }
    }

    @Test
    void shouldNameTheDmadevsThereAreWhenTheConfiguredOneIsUnknown() {
        try (Rig rig = new Rig("dpdk")) {
            EngineOptions unknown = TestEngines.options("dpdk", EngineOptions.defaults())
                .withBacking("dma_skeleton7", TestEngines.options("dpdk", EngineOptions.defaults()).runtimeArgs());
            DmaException e = assertThrows(DmaException.NotFound.class, () -> rig.dmas.create("x", "dpdk", unknown));
            assertTrue(e.getMessage().contains("dpdk-device=dma_skeleton7") && e.getMessage().contains("dma_skeleton0")
                && e.getMessage().contains("--vdev=dma_skeleton7"), e.getMessage());
            EngineOptions taken = TestEngines.options("dpdk", EngineOptions.defaults());
            assertThrows(DmaException.AlreadyExists.class, () -> rig.dmas.create("y", "dpdk", taken));
            EngineOptions otherArgs = taken.withBacking("dma_skeleton0", List.of("--no-huge"));
            assertThrows(DmaException.InvalidArgument.class, () -> rig.dmas.create("z", "dpdk", otherArgs));
            assertThrows(DmaException.InvalidArgument.class,
                () -> rig.dmas.create("w", "dpdk", EngineOptions.defaults()), "no dpdk-device");
        }
    }
}
