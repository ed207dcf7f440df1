package io.vhostdma.vhost.virtq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationTest {

    private final TestDriver driver = new TestDriver(64);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    private void completeOne(SplitVirtqueue q) {
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        q.addUsed(0, 0);
        q.publishUsed();
    }

    @Test
    void shouldSignalPerUsedEventWhenEventIdx() {
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        SplitVirtqueue q = driver.newQueue(true, false);
        driver.setUsedEvent(5);
        completeOne(q);
        assertTrue(q.needsNotification(), "first check after start always signals");
        completeOne(q);
        assertFalse(q.needsNotification(), "used 1->2, event 5 not crossed");
        completeOne(q);
        completeOne(q);
        completeOne(q);
        assertFalse(q.needsNotification(), "used 2->5, event 5 not crossed yet");
        completeOne(q);
        assertTrue(q.needsNotification(), "used 5->6 crosses event 5");
        completeOne(q);
        assertFalse(q.needsNotification(), "event already passed");
        driver.setUsedEvent(6);
        completeOne(q);
        assertFalse(q.needsNotification(), "event 6 is behind the previous check (7): the driver re-polls itself");
        driver.setUsedEvent(8);
        completeOne(q);
        assertTrue(q.needsNotification(), "used 8->9 crosses event 8");
    }

    @Test
    void shouldIgnoreNoInterruptFlagWhenEventIdx() {
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        SplitVirtqueue q = driver.newQueue(true, false);
        driver.setAvailFlags(SplitRingLayout.AVAIL_F_NO_INTERRUPT);
        driver.setUsedEvent(0);
        completeOne(q);
        assertTrue(q.needsNotification());
    }

    @Test
    void shouldNotSignalWhenNothingNewWasPublished() {
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        SplitVirtqueue q = driver.newQueue(false, false);
        completeOne(q);
        assertTrue(q.needsNotification());
        assertFalse(q.needsNotification());
    }

    @Test
    void shouldHonourNoInterruptWhenNoEventIdx() {
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.setAvailFlags(SplitRingLayout.AVAIL_F_NO_INTERRUPT);
        completeOne(q);
        assertFalse(q.needsNotification());
        driver.setAvailFlags(0);
        completeOne(q);
        assertTrue(q.needsNotification());
    }

    @Test
    void shouldWriteAvailEventWhenEnablingWithEventIdx() {
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        SplitVirtqueue q = driver.newQueue(true, false);
        completeOne(q);
        completeOne(q);
        completeOne(q);
        q.enableNotifications();
        assertEquals(3, driver.availEvent());
        assertEquals(0, driver.usedFlags());
        q.disableNotifications();
        assertEquals(0, driver.usedFlags(), "used.flags stays 0 with EVENT_IDX");
        assertEquals(0, q.pending(), "caller re-check after enabling");
    }

    @Test
    void shouldToggleNoNotifyWhenNoEventIdx() {
        SplitVirtqueue q = driver.newQueue(false, false);
        q.disableNotifications();
        assertEquals(SplitRingLayout.USED_F_NO_NOTIFY, driver.usedFlags());
        q.enableNotifications();
        assertEquals(0, driver.usedFlags());
    }
}
