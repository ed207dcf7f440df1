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
}
