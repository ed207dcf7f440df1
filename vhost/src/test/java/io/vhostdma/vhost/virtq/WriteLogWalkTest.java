package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the split ring reports to its write log: the guest ranges of each used chain's writable descriptors up to the
 * used length (direct and indirect chains, readable descriptors skipped), and — when logging is switched on after
 * many unlogged publishes — only the used elements added since, never a stale span beyond the ring.
 */
class WriteLogWalkTest {
    private final TestDriver driver = new TestDriver(256);
    private final DescriptorChain chain = new DescriptorChain();
    private final List<String> logged = new ArrayList<>();
    private boolean on = true;

    private final WriteLog recorder = new WriteLog() {
        @Override
        public boolean enabled() {
            return on;
        }

        @Override
        public void chainWritten(int ringIndex, int id, int length) {
        }

        @Override
        public void usedRing(int ringIndex, long offset, long length) {
            logged.add("used " + offset + " " + length);
        }

        @Override
        public void guestWritten(long gpa, long length) {
            logged.add("gpa 0x" + Long.toHexString(gpa) + " " + length);
        }
    };

    @Test
    void shouldReportTheWritableRangesUpToTheUsedLengthWhenAChainIsUsed() {
        SplitVirtqueue q = driver.newQueue(false, false);
        q.writeLog(recorder);
        driver.desc(3, GPA2, 16, F_NEXT, 4);                    // readable: never reported
        driver.desc(4, GPA2 + 4096, 100, F_WRITE | F_NEXT, 5);
        driver.desc(5, GPA2 + 8192, 100, F_WRITE, 0);
        driver.publish(3);
        assertEquals(3, q.pop(driver.memory(), chain));
        q.addUsed(3, 150);
        assertEquals(List.of("gpa 0x40001000 100", "gpa 0x40002000 50"), logged);
    }

    @Test
    void shouldWalkTheIndirectTableWhenTheChainIsIndirect() {
        SplitVirtqueue q = driver.newQueue(false, true);
        q.writeLog(recorder);
        long table = GPA2 + 0x10000;
        driver.indirectDesc(table, 0, GPA2 + 0x20000, 64, F_WRITE | F_NEXT, 1);
        driver.indirectDesc(table, 1, GPA2 + 0x30000, 64, F_WRITE, 0);
        driver.desc(7, table, 32, F_INDIRECT, 0);
        driver.publish(7);
        assertEquals(7, q.pop(driver.memory(), chain));
        q.addUsed(7, 100);
        assertEquals(List.of("gpa 0x40020000 64", "gpa 0x40030000 36"), logged);
    }

    @Test
    void shouldLogOnlyTheNewElementsWhenLoggingIsSwitchedOnLate() {
        SplitVirtqueue q = driver.newQueue(false, false);
        q.writeLog(recorder);
        on = false;
        driver.desc(1, GPA2, 64, F_WRITE, 0);
        for (int i = 0; i < 1000; i++) {
            q.refillBudget();
            driver.publish(1);
            assertEquals(1, q.pop(driver.memory(), chain));
            q.addUsed(1, 0);
            q.publishUsed();
        }
        on = true;
        q.refillBudget();
        driver.publish(1);
        assertEquals(1, q.pop(driver.memory(), chain));
        q.addUsed(1, 0);
        q.publishUsed();
        assertEquals(List.of("used " + SplitRingLayout.usedElem(1000 % 256) + " 8",
                "used " + SplitRingLayout.RING_IDX + " 2"), logged);
    }
}
