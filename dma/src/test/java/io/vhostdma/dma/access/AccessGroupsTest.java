package io.vhostdma.dma.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.DmaStatus;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.Rig;
import io.vhostdma.dma.memory.DomainId;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Access-group rules, events, and their effect on guest-to-guest copies. */
class AccessGroupsTest {
    private static final UUID TOKEN = UUID.randomUUID();

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldDenyGuestToGuestCopyWhenNoGroupJoinsThem(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE);
            MemorySegment b = rig.memory(rig.guestB, Rig.PAGE);
            a.fill((byte) 9);
            DmaChannel ch = rig.ch();
            long handles = OpFlags.withHandles(0, rig.guestA.handle(), rig.guestB.handle());
            ch.copy(a.address(), b.address(), 64, handles | OpFlags.SUBMIT);
            ch.copy(a.address(), a.address() + 128, 64, OpFlags.SUBMIT); // within one guest: allowed
            assertArrayEquals(new int[] {DmaStatus.ACCESS_DENIED, DmaStatus.SUCCESS}, rig.awaitStatuses(ch, 2));
            assertEquals(0, b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCopyGuestToGuestWhenBothAreInOneGroupAndHandlesTravel(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE);
            MemorySegment b = rig.memory(rig.guestB, Rig.PAGE);
            Rig.fillRandom(a, 5);
            AccessGroups groups = rig.dmas.access();
            int g = groups.create(rig.device, rig.guestA, TOKEN);
            groups.join(rig.device, g, rig.guestB, TOKEN, null);
            HandlePair hp = groups.handles(rig.device, g, rig.guestA, rig.guestB);
            assertEquals(new HandlePair(rig.guestA.handle(), rig.guestB.handle()), hp);
            DmaChannel ch = rig.ch();
            ch.copy(a.address(), b.address(), 256, hp.toFlags(OpFlags.SUBMIT));
            ch.copy(a.address(), b.address(), 256, OpFlags.SUBMIT); // no handles: refused
            long lying = OpFlags.withHandles(OpFlags.SUBMIT, rig.guestB.handle(), rig.guestB.handle());
            ch.copy(a.address(), b.address(), 256, lying); // handles that do not match the memory
            assertArrayEquals(new int[] {DmaStatus.SUCCESS, DmaStatus.ACCESS_DENIED, DmaStatus.ACCESS_DENIED},
                rig.awaitStatuses(ch, 3));
            assertEquals(-1L, MemorySegment.mismatch(a, 0, 256, b, 0, 256));
            assertEquals(256, rig.device.stats().bytes(rig.guestA.handle(), rig.guestB.handle()));
            groups.leave(rig.device, g, rig.guestB);
            ch.copy(a.address(), b.address(), 256, hp.toFlags(OpFlags.SUBMIT));
            assertArrayEquals(new int[] {DmaStatus.ACCESS_DENIED}, rig.awaitStatuses(ch, 1), "after leave");
        }
    }

    @Test
    void shouldRefuseAndCountJoinWhenTokenIsWrong() {
        try (Rig rig = new Rig("cpu")) {
            AccessGroups groups = rig.dmas.access();
            int g = groups.create(rig.device, rig.guestA, TOKEN);
            assertThrows(DmaException.PermissionDenied.class,
                () -> groups.join(rig.device, g, rig.guestB, UUID.randomUUID(), null));
            assertThrows(DmaException.PermissionDenied.class,
                () -> groups.join(rig.device, g, rig.guestB, null, null));
            assertEquals(2, groups.refusedJoins(rig.device));
            assertEquals(List.of(rig.guestA), groups.members(rig.device, g));
            assertThrows(DmaException.NotFound.class, () -> groups.handles(rig.device, g, rig.guestA, rig.guestB));
            assertThrows(DmaException.NotFound.class, () -> groups.join(rig.device, g + 1, rig.guestB, TOKEN, null));
            assertThrows(DmaException.InvalidArgument.class, () -> groups.create(rig.device, DomainId.HOST, TOKEN));
        }
    }

    @Test
    void shouldRefuseDestroyWhenCallerIsNotCreatorOrMembersRemain() {
        try (Rig rig = new Rig("cpu")) {
            AccessGroups groups = rig.dmas.access();
            List<String> events = new ArrayList<>();
            groups.addListener(rig.device, (d, e, id) -> events.add(e + ":" + id));
            int g = groups.create(rig.device, rig.guestA, TOKEN);
            groups.join(rig.device, g, rig.guestB, TOKEN, null);
            assertThrows(DmaException.PermissionDenied.class, () -> groups.destroy(rig.device, g, rig.guestB));
            assertThrows(DmaException.Busy.class, () -> groups.destroy(rig.device, g, rig.guestA));
            assertThrows(DmaException.Busy.class, () -> groups.leave(rig.device, g, rig.guestA), "creator leaves");
            groups.leave(rig.device, g, rig.guestB);
            groups.destroy(rig.device, g, rig.guestA);
            assertThrows(DmaException.NotFound.class, () -> groups.members(rig.device, g));
            assertEquals(List.of("TABLE_UPDATED:" + g, "TABLE_UPDATED:" + g, "TABLE_UPDATED:" + g,
                "GROUP_DESTROYED:" + g), events);
        }
    }

    @Test
    void shouldTellRemainingMembersWhenOneLeaves() {
        try (Rig rig = new Rig("cpu")) {
            DomainId guestC = rig.dmas.domains().domain(UUID.randomUUID());
            AccessGroups groups = rig.dmas.access();
            List<String> heard = new ArrayList<>();
            int g = groups.create(rig.device, rig.guestA, TOKEN, (id, left) -> heard.add("A heard " + left.handle()));
            groups.join(rig.device, g, rig.guestB, TOKEN, (id, left) -> heard.add("B heard " + left.handle()));
            groups.join(rig.device, g, guestC, TOKEN, (id, left) -> heard.add("C heard " + left.handle()));
            groups.leave(rig.device, g, guestC);
            heard.sort(null);
            assertEquals(List.of("A heard " + guestC.handle(), "B heard " + guestC.handle()), heard);
            assertEquals(2, groups.members(rig.device, g).size());
            assertThrows(DmaException.NotFound.class, () -> groups.leave(rig.device, g, guestC));
        }
    }

    @Test
    void shouldKeepGroupsPerDeviceWhenTwoDevicesExist() {
        try (Rig rig = new Rig("cpu")) {
            var other = rig.dmas.create("other", "sw");
            AccessGroups groups = rig.dmas.access();
            int g = groups.create(rig.device, rig.guestA, TOKEN);
            assertThrows(DmaException.NotFound.class, () -> groups.join(other, g, rig.guestB, TOKEN, null));
            assertTrue(groups.groupIds(other).isEmpty());
        }
    }
}
