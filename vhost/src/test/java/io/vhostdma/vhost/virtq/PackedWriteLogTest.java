package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.BUF_OFF0;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the packed ring reports to its write log: each chain's writable ranges (recorded at pop, since a used
 * descriptor may overwrite the slots of a chain still in flight) up to the used length, the used descriptors at the
 * descriptor ring's guest-physical address, the device event area — all flushed before the flags that publish
 * them; chains popped before logging was switched on; the range pool running short.
 */
class PackedWriteLogTest {
    private PackedTestDriver driver;
    private final DescriptorChain chain = new DescriptorChain();
    private final List<String> logged = new ArrayList<>();
    private boolean on = true;
    /** Set by flush: whether slot 0's used descriptor was already visible to the driver then. */
    private final List<Boolean> visibleAtFlush = new ArrayList<>();

    private final WriteLog recorder = new WriteLog() {
        @Override
        public boolean enabled() {
            return on;
        }

        @Override
        public void chainWritten(int ringIndex, int id, int length) {
            logged.add("chain " + id); // the packed ring reports ranges, never ids
        }

        @Override
        public void usedRing(int ringIndex, long offset, long length) {
            logged.add("used " + offset); // nor offsets from log_guest_addr (the device area for packed)
        }

        @Override
        public void guestWritten(long gpa, long length) {
            logged.add("gpa 0x" + Long.toHexString(gpa) + " " + length);
        }

        @Override
        public void flush() {
            logged.add("flush");
            visibleAtFlush.add(usedInFirstLap(driver.usedFlagsAt(0)));
        }
    };

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldReportEachChainsWrittenRangesAndItsUsedDescriptorBeforePublishWhenCompletedOutOfOrder() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        q.writeLog(recorder);
        driver.add(3, new long[] {BUF_OFF0, GPA2, GPA2 + 8192}, new int[] {12, 100, 100},
                new int[] {0, F_WRITE, F_WRITE});
        driver.add1(4, GPA2 + 0x10000, 4096, F_WRITE);
        assertEquals(3, q.pop(driver.memory(), chain));
        assertEquals(4, q.pop(driver.memory(), chain));
        q.addUsed(4, 70);  // written at slot 0: chain 3's head slot, chain 3 still in flight
        q.addUsed(3, 150);
        q.publishUsed();
        assertEquals(List.of("gpa 0x40010000 70", "gpa 0x40000000 100", "gpa 0x40002000 50",
                "gpa 0x" + Long.toHexString(desc(0)) + " 16", "gpa 0x" + Long.toHexString(desc(1)) + " 16",
                "flush"), logged);
        assertEquals(List.of(false), visibleAtFlush, "the bits are set before the flags publish the writes");
        assertTrue(usedInFirstLap(driver.usedFlagsAt(0)));
    }

    @Test
    void shouldReportTheIndirectTablesWritableEntriesWhenTheChainIsIndirect() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, true);
        q.writeLog(recorder);
        long table = GPA2 + 0x20000;
        driver.indirectEntry(table, 0, GPA2 + 0x30000, 64, F_WRITE);
        driver.indirectEntry(table, 1, GPA2 + 0x30040, 64, F_WRITE); // adjacent: one range
        driver.indirectEntry(table, 2, GPA2 + 0x50000, 64, F_WRITE);
        driver.add1(6, table, 48, PackedRingLayout.F_INDIRECT);
        assertEquals(6, q.pop(driver.memory(), chain));
        q.addUsed(6, 150);
        assertEquals(List.of("gpa 0x40030000 128", "gpa 0x40050000 22"), logged);
    }

    @Test
    void shouldReportChainsPoppedWhileLoggingWasOffWhenTheyAreUsedWithLoggingOn() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        q.writeLog(recorder);
        on = false;
        driver.add1(2, GPA2 + 0x3000, 2048, F_WRITE);
        assertEquals(2, q.pop(driver.memory(), chain)); // e.g. a DMA copy in flight when LOG_ALL arrives
        on = true;
        q.addUsed(2, 2048);
        assertEquals(List.of("gpa 0x40003000 2048"), logged);
    }

    @Test
    void shouldNotReportTheBuffersOfAChainReturnedWithLengthZero() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        q.writeLog(recorder);
        driver.add1(1, GPA2, 2048, F_WRITE);
        assertEquals(1, q.pop(driver.memory(), chain));
        q.addUsed(1, 0); // a failed DMA copy, a dropped frame
        assertEquals(List.of(), logged);
    }

    @Test
    void shouldReportAndFlushTheDeviceAreaWhenNotificationsChange() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(true, false);
        q.writeLog(recorder);
        q.enableNotifications();
        q.disableNotifications();
        String area = "gpa 0x" + Long.toHexString(TestDriver.GPA0 + TestDriver.USED_OFF) + " 4";
        assertEquals(List.of(area, "flush", area, "flush"), logged);
    }

    @Test
    void shouldWaitForUsedChainsWhenTheirRangesFillTheRecordPool() {
        int size = 64;
        driver = new PackedTestDriver(size);
        PackedVirtqueue q = driver.newQueue(false, true);
        q.writeLog(recorder);
        int perChain = size; // an indirect table of 64 writable entries, none adjacent
        int fit = (4 * size + 2 * DescriptorChain.MAX_SEGMENTS) / perChain;
        for (int id = 0; id <= fit; id++) {
            long table = GPA2 + id * 0x1000L;
            for (int e = 0; e < perChain; e++) {
                driver.indirectEntry(table, e, GPA2 + 0x2_0000L + (id * perChain + e) * 128L, 64, F_WRITE);
            }
            driver.add1(id, table, 16 * perChain, PackedRingLayout.F_INDIRECT);
        }
        for (int id = 0; id < fit; id++) {
            assertEquals(id, q.pop(driver.memory(), chain));
        }
        assertEquals(PathStatus.OVER_BUDGET, q.pop(driver.memory(), chain), "no room to record its ranges");
        assertFalse(q.broken());
        q.addUsed(0, 64 * perChain);
        q.publishUsed();
        q.refillBudget();
        assertEquals(fit, q.pop(driver.memory(), chain), "taken once a used chain freed its record");
        assertEquals(perChain, logged.stream().filter(s -> s.endsWith(" 64")).count());
        assertNull(logged.stream().filter(s -> s.startsWith("chain") || s.startsWith("used")).findAny().orElse(null));
    }

    private static boolean usedInFirstLap(int flags) {
        int both = PackedRingLayout.F_AVAIL | PackedRingLayout.F_USED;
        return (flags & both) == both;
    }

    private static long desc(int slot) {
        return TestDriver.GPA0 + TestDriver.DESC_OFF + PackedRingLayout.desc(slot);
    }
}
