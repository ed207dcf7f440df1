package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.virtq.VirtqIndex;
import io.vhostdma.vhost.virtq.SplitRingLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DriverVirtqueueTest {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final GuestMemoryImage memory = GuestMemoryImage.create(1 << 20, 1);
    private final DriverVirtqueue q = DriverVirtqueue.allocate(memory, 1, 8);

    @AfterEach
    void close() {
        memory.close();
    }

    private MemorySegment seg(long gpa) {
        return memory.segmentOf(gpa, 1);
    }

    private short availField(long off) {
        return seg(q.availGpa()).get(LE16, memory.offsetOf(q.availGpa()) + off);
    }

    private void deviceUses(int slot, int id, int len, int newUsedIdx) {
        MemorySegment s = seg(q.usedGpa());
        long base = memory.offsetOf(q.usedGpa());
        s.set(LE32, base + SplitRingLayout.usedElem(slot) + SplitRingLayout.USED_ELEM_ID, id);
        s.set(LE32, base + SplitRingLayout.usedElem(slot) + SplitRingLayout.USED_ELEM_LEN, len);
        s.set(LE16, base + SplitRingLayout.RING_IDX, (short) newUsedIdx);
    }

    @Test
    void shouldMatchVirtioNeedEventWhenIndexesWrap() {
        assertTrue(VirtqIndex.needEvent(0, 1, 0));
        assertFalse(VirtqIndex.needEvent(1, 1, 0));
        assertTrue(VirtqIndex.needEvent(0xffff, 1, 0xfffe));
        assertTrue(VirtqIndex.needEvent(0xfffe, 0, 0xfffd));
        assertFalse(VirtqIndex.needEvent(5, 3, 0));
        // exhaustive agreement with the spec formula over a window around the wrap
        for (int old = 0xfff0; old < 0x10010; old++) {
            for (int d = 0; d < 8; d++) {
                for (int e = 0; e < 12; e++) {
                    int o = old & 0xffff;
                    int n = (old + d) & 0xffff;
                    int ev = (old + e - 2) & 0xffff;
                    boolean crossed = ((ev - o) & 0xffff) < ((n - o) & 0xffff);
                    assertEquals(crossed, VirtqIndex.needEvent(ev, n, o), "event=" + ev + " new=" + n + " old=" + o);
                }
            }
        }
    }

    @Test
    void shouldHandOutEveryDescriptorOnceWhenAllocatingUntilEmpty() {
        boolean[] seen = new boolean[8];
        for (int i = 0; i < 8; i++) {
            int d = q.allocDescriptor();
            assertFalse(seen[d]);
            seen[d] = true;
        }
        assertEquals(-1, q.allocDescriptor());
        q.freeDescriptor(5);
        assertEquals(5, q.allocDescriptor());
        assertEquals(0, q.freeCount());
    }

    @Test
    void shouldWriteEntriesAndReleaseIdxOnlyWhenPublished() {
        q.configure(false, NotificationMode.KICK_ALWAYS);
        q.writeDescriptor(3, 0x1234_5678_9aL, 1500, VringDescLayout.F_WRITE, 0);
        q.addAvail(3);
        q.addAvail(4);
        assertEquals(0, availField(SplitRingLayout.RING_IDX), "not visible before publish");
        assertTrue(q.publish(), "KICK_ALWAYS kicks every publish");
        assertEquals(2, availField(SplitRingLayout.RING_IDX));
        assertEquals(3, availField(SplitRingLayout.availEntry(0)));
        assertEquals(4, availField(SplitRingLayout.availEntry(1)));
        assertEquals(0x1234_5678_9aL, q.descriptorAddr(3));
        assertEquals(1500, q.descriptorLen(3));
        assertEquals(VringDescLayout.F_WRITE, q.descriptorFlags(3));
    }

    @Test
    void shouldWrapAvailSlotsWhenIndexPassesRingSize() {
        q.publishAvailIdx(0xfffe);
        for (int i = 0; i < 4; i++) {
            q.addAvail(i);
        }
        q.publish();
        assertEquals(2, availField(SplitRingLayout.RING_IDX));
        assertEquals(0, availField(SplitRingLayout.availEntry(6)));
        assertEquals(1, availField(SplitRingLayout.availEntry(7)));
        assertEquals(2, availField(SplitRingLayout.availEntry(0)));
    }

    @Test
    void shouldSkipKickWhenDeviceSetsNoNotifyWithoutEventIdx() {
        q.configure(false, NotificationMode.RESPECT_SUPPRESSION);
        q.addAvail(0);
        assertTrue(q.publish());
        seg(q.usedGpa()).set(LE16, memory.offsetOf(q.usedGpa()) + SplitRingLayout.RING_FLAGS,
                (short) SplitRingLayout.USED_F_NO_NOTIFY);
        q.addAvail(1);
        assertFalse(q.publish());
    }

    @Test
    void shouldKickOnlyWhenAvailEventIsCrossedWithEventIdx() {
        q.configure(true, NotificationMode.RESPECT_SUPPRESSION);
        long availEvent = memory.offsetOf(q.usedGpa()) + SplitRingLayout.availEvent(8);
        seg(q.usedGpa()).set(LE16, availEvent, (short) 2);
        q.addAvail(0);
        assertFalse(q.publish(), "0 -> 1 does not pass avail_event 2");
        q.addAvail(1);
        q.addAvail(2);
        assertTrue(q.publish(), "1 -> 3 passes avail_event 2");
    }

    @Test
    void shouldReadUsedElementsInOrderWhenDevicePublishes() {
        assertFalse(q.pollUsed());
        deviceUses(0, 6, 100, 1);
        deviceUses(1, 2, 0, 2);
        assertEquals(2, q.pendingUsed());
        assertTrue(q.pollUsed());
        assertEquals(6, q.polledId());
        assertEquals(100, q.polledLen());
        assertTrue(q.pollUsed());
        assertEquals(2, q.polledId());
        assertFalse(q.pollUsed());
        assertEquals(2, q.lastUsedIdx());
    }

    @Test
    void shouldArmAndDisarmInterruptsWithTheNegotiatedMechanism() {
        q.configure(false, NotificationMode.RESPECT_SUPPRESSION);
        q.disarmInterrupts();
        assertEquals(SplitRingLayout.AVAIL_F_NO_INTERRUPT, q.availFlags());
        q.armInterrupts();
        assertEquals(0, q.availFlags());
        q.configure(true, NotificationMode.RESPECT_SUPPRESSION);
        deviceUses(0, 1, 0, 1);
        q.pollUsed();
        q.armInterrupts();
        assertEquals(1, q.usedEvent(), "used_event = next used index to consume");
        q.disarmInterrupts();
        assertFalse(VirtqIndex.needEvent(q.usedEvent(), 5, 1), "disarmed: a few more used entries do not signal");
    }

    @Test
    void shouldRejectDescriptorSlotsOutsideTheRingWhenTampering() {
        assertThrows(IndexOutOfBoundsException.class, () -> q.writeDescriptor(8, 0, 0, 0, 0));
        q.writeDescriptor(7, -1L, -1, 0xffff, 0xffff);
        assertEquals(-1L, q.descriptorAddr(7));
        assertEquals(0xffff, q.descriptorNext(7));
        q.writeAvailEntry(9, 0xbeef);
        assertEquals((short) 0xbeef, availField(SplitRingLayout.availEntry(1)));
    }

    @Test
    void shouldPointVringAddrAtUserAddressesWhenGpaDiffers() {
        try (GuestMemoryImage two = GuestMemoryImage.create(1 << 20, 2)) {
            DriverVirtqueue r = DriverVirtqueue.allocate(two, 3, 16);
            MemorySegment p = MemorySegment.ofArray(new byte[64]);
            assertEquals(40, r.writeVringAddr(p, 0));
            assertEquals(3, p.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            assertEquals(two.userAddrOf(r.descGpa()), p.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
            assertEquals(two.userAddrOf(r.usedGpa()), p.get(ValueLayout.JAVA_LONG_UNALIGNED, 16));
            assertEquals(two.userAddrOf(r.availGpa()), p.get(ValueLayout.JAVA_LONG_UNALIGNED, 24));
            assertTrue(r.descGpa() < (1 << 19), "region 0 GPAs start at 0");
            assertEquals(0, r.descGpa() % 4096);
        }
    }
}
