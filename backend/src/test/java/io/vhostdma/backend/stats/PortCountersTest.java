package io.vhostdma.backend.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PortCountersTest {
    @Test
    void shouldPrintRefusedNotificationsAndBudgetTripsOnlyWhenThereAreSome() {
        PortCounters p = new PortCounters("vm1", 2);
        String quiet = p.snapshot().fields();
        assertFalse(quiet.contains("notify_dropped") || quiet.contains("budget_exceeded"), quiet);
        p.rx(0).countNotifyDropped();
        p.tx(1).countNotifyDropped();
        p.tx(0).countBudgetExceeded();
        p.tx(0).drop(DropReason.BUDGET);
        String line = p.snapshot().fields();
        assertTrue(line.contains(" notify_dropped=2"), line);
        assertTrue(line.contains(" budget_exceeded=1"), line);
        assertTrue(line.contains(" drop.budget=1"), line);
        assertEquals(2, p.snapshot().notifyDropped());
        assertEquals(1, p.tx(0).budgetExceeded());
    }

    @Test
    void shouldShowPacketCountsOnlyOnceTheOwnerPublishedThemWhenCounted() {
        QueueCounters q = new QueueCounters("rxq0");
        q.packet(64);
        q.packet(1518);
        assertEquals(0, q.packets(), "plain owner-local counts are not seen before the publish");
        q.publish();
        assertEquals(2, q.packets());
        assertEquals(64 + 1518, q.bytes());
        q.packet(60);
        assertEquals(2, q.packets(), "readers see the last published figure");
        q.publish();
        assertEquals(3, q.packets());
    }
}
