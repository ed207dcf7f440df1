package io.vhostdma.vhost.virtq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitVirtqueueTest {

    private final TestDriver driver = new TestDriver(256);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldPopChainAndPublishUsedWhenRoundTrip() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.write(GPA2, new byte[] {1, 2, 3, 4});
        driver.desc(5, GPA2, 4, F_NEXT, 9);
        driver.desc(9, GPA2 + 4096, 100, F_WRITE, 0);
        driver.publish(5);

        assertEquals(1, q.pending());
        assertEquals(5, q.pop(driver.memory(), chain));
        assertEquals(2, chain.buffers().count());
        assertEquals(1, chain.readableCount());
        assertEquals(4, chain.readableBytes());
        assertEquals(100, chain.writableBytes());
        assertFalse(chain.writable(0));
        assertTrue(chain.writable(1));
        assertSame(driver.memory().segment(2), chain.buffers().segment(0));
        assertEquals(0, chain.buffers().offset(0));
        assertEquals(4096, chain.buffers().offset(1));
        assertEquals(3, chain.buffers().segment(0).get(ValueLayout.JAVA_BYTE, chain.buffers().offset(0) + 2));
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
        assertEquals(1, q.lastAvailIndex());

        q.addUsed(5, 77);
        assertEquals(0, driver.usedIdx(), "not visible before publish");
        q.publishUsed();
        assertEquals(1, driver.usedIdx());
        assertEquals(5, driver.usedId(0));
        assertEquals(77, driver.usedLen(0));
    }

    @Test
    void shouldSplitBufferWhenItStraddlesAdjacentRegions() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, GPA1 - 10, 30, F_WRITE, 0);
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(2, chain.buffers().count());
        assertSame(driver.memory().segment(0), chain.buffers().segment(0));
        assertEquals(TestDriver.REGION_SIZE - 10, chain.buffers().offset(0));
        assertEquals(10, chain.buffers().length(0));
        assertSame(driver.memory().segment(1), chain.buffers().segment(1));
        assertEquals(0, chain.buffers().offset(1));
        assertEquals(20, chain.buffers().length(1));
        assertEquals(30, chain.writableBytes());
    }

    @Test
    void shouldWalkIndirectTableWhenNegotiated() {
        SplitVirtqueue q = driver.newQueue(false, true);
        long table = GPA2 + 0x8000;
        driver.indirectDesc(table, 0, GPA2, 12, F_NEXT, 2);
        driver.indirectDesc(table, 2, GPA2 + 100, 50, F_NEXT, 1);
        driver.indirectDesc(table, 1, GPA2 + 1000, 1500, F_WRITE, 0);
        driver.desc(3, table, 48, F_INDIRECT, 0);
        driver.publish(3);
        assertEquals(3, q.pop(driver.memory(), chain));
        assertEquals(62, chain.readableBytes());
        assertEquals(1500, chain.writableBytes());
        assertEquals(4, chain.descriptorCount());
        assertEquals(3, chain.buffers().count());
    }

    @Test
    void shouldIgnoreWriteFlagOnIndirectPointer() {
        SplitVirtqueue q = driver.newQueue(false, true);
        long table = GPA2 + 0x8000;
        driver.indirectDesc(table, 0, GPA2, 20, 0, 0);
        driver.desc(0, table, 16, F_INDIRECT | F_WRITE, 0);
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(20, chain.readableBytes());
        assertEquals(0, chain.writableBytes());
    }

    @Test
    void shouldCopyIndirectTableWhenItSpansRegions() {
        SplitVirtqueue q = driver.newQueue(false, true);
        long table = GPA1 - 24;
        driver.indirectDesc(table, 0, GPA2, 10, F_NEXT, 1);
        driver.indirectDesc(table, 1, GPA2 + 64, 20, F_NEXT, 2);
        driver.indirectDesc(table, 2, GPA2 + 128, 30, F_WRITE, 0);
        driver.desc(0, GPA2 + 512, 4, F_NEXT, 1);
        driver.desc(1, table, 48, F_INDIRECT, 0);
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(34, chain.readableBytes());
        assertEquals(30, chain.writableBytes());
        assertEquals(5, chain.descriptorCount());
    }

    @Test
    void shouldSkipZeroLengthDescriptorsButCountThem() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, GPA2, 0, F_NEXT, 1);
        driver.desc(1, GPA2, 8, F_NEXT, 2);
        driver.desc(2, 0xdead_0000_0000L, 0, F_WRITE | F_NEXT, 3);
        driver.desc(3, GPA2 + 64, 8, F_WRITE, 0);
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(4, chain.descriptorCount());
        assertEquals(2, chain.buffers().count());
    }

    @Test
    void shouldRewindLastAvailWhenPopsAreRolledBack() {
        SplitVirtqueue q = driver.newQueue(false, false);
        for (int i = 0; i < 3; i++) {
            driver.desc(i, GPA2 + 4096L * i, 64, F_WRITE, 0);
            driver.publish(i);
        }
        int mark = q.availMark();
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(1, q.pop(driver.memory(), chain));
        q.rewindTo(mark);
        assertEquals(0, q.lastAvailIndex());
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(1, q.pop(driver.memory(), chain));
        assertEquals(2, q.pop(driver.memory(), chain));
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
    }

    @Test
    void shouldReportEveryUsedWriteToTheWriteLogBeforePublishingWhenLogging() {
        SplitVirtqueue q = driver.newQueue(false, false);
        java.util.List<String> logged = new java.util.ArrayList<>();
        q.writeLog(new WriteLog() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void chainWritten(int ringIndex, int id, int length) {
                logged.add("chain " + id + " " + length);
            }

            @Override
            public void usedRing(int ringIndex, long offset, long length) {
                logged.add("used " + offset + " " + length);
            }
        });
        for (int i = 0; i < 2; i++) {
            driver.desc(i, GPA2 + 4096L * i, 64, F_WRITE, 0);
            driver.publish(i);
        }
        int a = q.pop(driver.memory(), chain);
        int b = q.pop(driver.memory(), chain);
        q.addUsed(a, 60);
        q.addUsed(b, 0);
        q.publishUsed();
        assertEquals(java.util.List.of("chain 0 60", "chain 1 0", "used " + SplitRingLayout.usedElem(0) + " 16",
                "used " + SplitRingLayout.RING_IDX + " 2"), logged);
    }

    @Test
    void shouldWrapIndexesWhenManyChainsFlow() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(7, GPA2, 64, F_WRITE, 0);
        for (int i = 0; i < 70_000; i++) {
            q.refillBudget(); // one duty cycle per chain
            driver.publish(7);
            assertEquals(7, q.pop(driver.memory(), chain));
            q.addUsed(7, i);
            q.publishUsed();
        }
        assertEquals(70_000 & 0xFFFF, q.lastAvailIndex());
        assertEquals(70_000 & 0xFFFF, driver.usedIdx());
        assertEquals(69_999, driver.usedLen((70_000 - 1) & 255));
    }

    @Test
    void shouldResetLastAvailToUsedIdxWhenAttachSeesMismatch() {
        driver.setUsedIdx(40);
        SplitVirtqueue q = new SplitVirtqueue(1);
        q.configure(256, TestDriver.UVA0 + TestDriver.DESC_OFF, TestDriver.UVA0 + TestDriver.AVAIL_OFF,
                TestDriver.UVA0 + TestDriver.USED_OFF);
        q.setLastAvailIndex(45);
        assertEquals(PathStatus.OK, q.attach(driver.memory(), true));
        assertEquals(40, q.lastAvailIndex());
        assertEquals(40, q.usedIndex());

        SplitVirtqueue keep = new SplitVirtqueue(1);
        keep.configure(256, TestDriver.UVA0 + TestDriver.DESC_OFF, TestDriver.UVA0 + TestDriver.AVAIL_OFF,
                TestDriver.UVA0 + TestDriver.USED_OFF);
        keep.setLastAvailIndex(45);
        assertEquals(PathStatus.OK, keep.attach(driver.memory(), false));
        assertEquals(45, keep.lastAvailIndex());
        assertEquals(40, keep.usedIndex());
    }

    @Test
    void shouldKeepIndexesWhenReattachedAfterMemorySwap() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        driver.publish(0);
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        q.addUsed(0, 1);
        q.detach();
        assertFalse(q.attached());
        assertEquals(PathStatus.ERR_NOT_ATTACHED, q.pop(driver.memory(), chain));
        assertFalse(q.broken());
        assertEquals(PathStatus.OK, q.attach(driver.memory(), true));
        assertEquals(1, q.lastAvailIndex());
        assertEquals(1, q.usedIndex());
        assertEquals(0, q.pop(driver.memory(), chain));
    }
}
