package io.vhostdma.vhost.virtq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DESC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DISABLE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_ENABLE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packed-ring event suppression: the driver area decides interrupts, the device area asks for kicks. */
class PackedNotificationTest {
    private final PackedTestDriver driver = new PackedTestDriver(8);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    private void roundTrip(PackedVirtqueue q, int id) {
        driver.add1(id, GPA2, 64, 0);
        assertEquals(id, q.pop(driver.memory(), chain));
        q.addUsed(id, 0);
        q.publishUsed();
        driver.pollUsed();
    }

    @Test
    void shouldInterruptUnlessDriverDisablesWhenNoEventIdx() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertFalse(q.needsNotification(), "nothing published");
        roundTrip(q, 0);
        assertTrue(q.needsNotification());
        assertFalse(q.needsNotification(), "nothing new since");
        driver.driverEvent(0, EVENT_DISABLE);
        roundTrip(q, 1);
        assertFalse(q.needsNotification());
        driver.driverEvent(0, EVENT_DESC); // DESC without EVENT_IDX negotiated: treated as enable
        roundTrip(q, 2);
        assertTrue(q.needsNotification());
    }

    @Test
    void shouldInterruptOnlyWhenOffWrapIsCrossedWithEventIdx() {
        PackedVirtqueue q = driver.newQueue(true, false);
        roundTrip(q, 0);
        assertTrue(q.needsNotification(), "the first decision after start interrupts");
        driver.driverEvent(3 | 0x8000, EVENT_DESC); // wants an interrupt once used slot 3 (wrap 1) is used
        roundTrip(q, 1);
        assertFalse(q.needsNotification(), "used slot 1 published: not yet");
        roundTrip(q, 2);
        assertFalse(q.needsNotification());
        roundTrip(q, 3);
        assertTrue(q.needsNotification(), "slot 3 used");
        for (int i = 4; i < 8; i++) {
            roundTrip(q, i); // wraps: used position 0 on wrap 0
        }
        driver.driverEvent(1, EVENT_DESC); // slot 1 on wrap 0
        assertFalse(q.needsNotification(), "slots 4..7 of wrap 1 do not cross slot 1 of wrap 0");
        roundTrip(q, 0);
        assertFalse(q.needsNotification());
        roundTrip(q, 1);
        assertTrue(q.needsNotification(), "slot 1 of wrap 0 used");
    }

    @Test
    void shouldInterruptWhenAWholeRingWasUsedSinceTheLastDecision() {
        PackedVirtqueue q = driver.newQueue(true, false);
        roundTrip(q, 0);
        q.needsNotification();
        driver.driverEvent(1 | 0x8000, EVENT_DESC);
        for (int i = 1; i <= 8; i++) {
            roundTrip(q, i % 8);
        }
        assertTrue(q.needsNotification(), "a full lap cannot be told apart by positions: interrupt");
    }

    @Test
    void shouldAskForKicksInTheDeviceArea() {
        PackedVirtqueue q = driver.newQueue(true, false);
        q.disableNotifications();
        assertEquals(EVENT_DISABLE, driver.deviceFlags());
        driver.add1(0, GPA2, 64, 0);
        driver.add1(1, GPA2, 64, 0);
        q.pop(driver.memory(), chain);
        q.enableNotifications();
        assertEquals(EVENT_DESC, driver.deviceFlags());
        assertEquals(1 | 0x8000, driver.deviceOffWrap(), "kick once avail slot 1 on wrap 1 is made available");
        PackedVirtqueue plain = driver.newQueue(false, false);
        plain.disableNotifications();
        plain.enableNotifications();
        assertEquals(EVENT_ENABLE, driver.deviceFlags());
    }
}
