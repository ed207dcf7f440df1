package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static io.vhostdma.vhost.virtq.TestDriver.UVA0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostileGuestTest {

    private static final int NUM = 256;
    private final TestDriver driver = new TestDriver(NUM);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    private int popOne(SplitVirtqueue q, int head) {
        driver.publish(head);
        return q.pop(driver.memory(), chain);
    }

    private void assertBroken(SplitVirtqueue q, int code) {
        assertTrue(q.broken());
        assertEquals(code, q.lastError());
        int before = q.lastAvailIndex();
        // a good chain afterwards is not even looked at
        driver.desc(0, GPA2, 8, 0, 0);
        driver.publish(0);
        assertEquals(code, q.pop(driver.memory(), chain));
        assertEquals(code, q.pending());
        assertEquals(before, q.lastAvailIndex());
    }

    @Test
    void shouldBreakRingWhenAvailIdxJumpsBeyondNum() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.setAvailIdx(NUM + 1);
        assertEquals(PathStatus.ERR_AVAIL_IDX, q.pending());
        assertBroken(q, PathStatus.ERR_AVAIL_IDX);
    }

    @Test
    void shouldAcceptExactlyNumEntriesWhenAvailIdxMovesByNum() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, GPA2, 8, 0, 0);
        for (int i = 0; i < NUM; i++) {
            driver.setAvailEntry(i, 0);
        }
        driver.setAvailIdx(NUM);
        assertEquals(NUM, q.pending());
        assertFalse(q.broken());
    }

    @Test
    void shouldBreakRingWhenHeadOutOfRange() {
        SplitVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_HEAD_RANGE, popOne(q, NUM));
        assertBroken(q, PathStatus.ERR_HEAD_RANGE);
    }

    @Test
    void shouldBreakRingWhenNextOutOfRange() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(3, GPA2, 8, F_NEXT, NUM);
        assertEquals(PathStatus.ERR_NEXT_RANGE, popOne(q, 3));
        assertBroken(q, PathStatus.ERR_NEXT_RANGE);
    }

    @Test
    void shouldTerminateWithLoopErrorWhenChainCycles() {
        SplitVirtqueue q = driver.newQueue(false, false);
        // buffers with data: within the frame budget, so the loop guard is what stops the walk (a loop of
        // zero-length descriptors is stopped sooner by the frame budget: WorkBudgetTest)
        driver.desc(1, GPA2, 8, F_NEXT, 2);
        driver.desc(2, GPA2, 8, F_NEXT, 1);
        assertEquals(PathStatus.ERR_CHAIN_LOOP, popOne(q, 1));
        assertEquals(NUM, chain.descriptorCount(), "every table entry read once, then stopped");
        assertBroken(q, PathStatus.ERR_CHAIN_LOOP);
    }

    @Test
    void shouldTerminateWithLoopErrorWhenIndirectTableCycles() {
        SplitVirtqueue q = driver.newQueue(false, true);
        long table = GPA2 + 0x1000;
        driver.indirectDesc(table, 0, GPA2, 8, F_NEXT, 1);
        driver.indirectDesc(table, 1, GPA2, 8, F_NEXT, 0);
        driver.desc(0, table, 32, F_INDIRECT, 0);
        assertEquals(PathStatus.ERR_CHAIN_LOOP, popOne(q, 0));
    }

    @Test
    void shouldRejectIndirectWhenNotNegotiated() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.indirectDesc(GPA2, 0, GPA2 + 64, 8, 0, 0);
        driver.desc(0, GPA2, 16, F_INDIRECT, 0);
        assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0));
        assertBroken(q, PathStatus.ERR_INDIRECT);
    }

    @Test
    void shouldRejectIndirectWithNext() {
        SplitVirtqueue q = driver.newQueue(false, true);
        driver.indirectDesc(GPA2, 0, GPA2 + 64, 8, 0, 0);
        driver.desc(0, GPA2, 16, F_INDIRECT | F_NEXT, 1);
        driver.desc(1, GPA2 + 64, 8, 0, 0);
        assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0));
    }

    @Test
    void shouldRejectNestedIndirect() {
        SplitVirtqueue q = driver.newQueue(false, true);
        driver.indirectDesc(GPA2, 0, GPA2 + 0x100, 16, F_INDIRECT, 0);
        driver.indirectDesc(GPA2 + 0x100, 0, GPA2 + 0x200, 8, 0, 0);
        driver.desc(0, GPA2, 16, F_INDIRECT, 0);
        assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0));
    }

    @Test
    void shouldRejectIndirectLengthZeroUnalignedOrTooBig() {
        int[] bad = {0, 24, 17, 16 * (NUM + 1)};
        for (int len : bad) {
            SplitVirtqueue q = driver.newQueue(false, true);
            driver.desc(0, GPA2, len, F_INDIRECT, 0);
            driver.setAvailIdx(q.lastAvailIndex());
            assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0), "len=" + len);
        }
    }

    @Test
    void shouldRejectIndirectTableOutsideMemory() {
        SplitVirtqueue q = driver.newQueue(false, true);
        driver.desc(0, GPA2 + TestDriver.REGION_SIZE - 16, 32, F_INDIRECT, 0);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0));
    }

    @Test
    void shouldRejectBufferOutsideMemory() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, 0x9000_0000L, 8, 0, 0);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0));
        assertBroken(q, PathStatus.ERR_ADDRESS);
    }

    @Test
    void shouldRejectBufferRunningPastRegionEnd() {
        SplitVirtqueue q = driver.newQueue(false, false);
        // region 1 ends at 2 MiB; nothing maps after it
        driver.desc(0, GPA1 + TestDriver.REGION_SIZE - 8, 16, 0, 0);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0));
    }

    @Test
    void shouldRejectBufferWhenAddressPlusLengthOverflows() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, -8L, 16, 0, 0);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0));
    }

    @Test
    void shouldRejectReadableAfterWritable() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(0, GPA2, 8, F_WRITE | F_NEXT, 1);
        driver.desc(1, GPA2 + 64, 8, 0, 0);
        assertEquals(PathStatus.ERR_WRITE_ORDER, popOne(q, 0));
        assertBroken(q, PathStatus.ERR_WRITE_ORDER);
    }

    @Test
    void shouldRejectChainNeedingMoreThanMaxSegments() {
        TestDriver big = new TestDriver(512);
        try {
            SplitVirtqueue q = big.newQueue(false, false);
            int n = DescriptorChain.MAX_SEGMENTS + 1;
            for (int i = 0; i < n; i++) {
                big.desc(i, GPA2 + 64L * i, 8, i + 1 < n ? F_NEXT : 0, i + 1);
            }
            big.publish(0);
            assertEquals(PathStatus.ERR_CHAIN_TOO_LONG, q.pop(big.memory(), chain));
            // exactly MAX_SEGMENTS is fine
            SplitVirtqueue ok = big.newQueue(false, false);
            big.desc(DescriptorChain.MAX_SEGMENTS - 1, GPA2, 8, 0, 0);
            assertEquals(0, ok.pop(big.memory(), chain));
            assertEquals(DescriptorChain.MAX_SEGMENTS, chain.buffers().count());
        } finally {
            big.close();
        }
    }

    @Test
    void shouldRejectChainLongerThanFourGigabytes() {
        SplitVirtqueue q = driver.newQueue(false, true);
        // table entries are not dereferenced before the length cap: three 0xFFFFFFFF-byte buffers
        long table = GPA2;
        driver.indirectDesc(table, 0, GPA1, 8, F_NEXT, 1);
        driver.indirectDesc(table, 1, GPA1, -1, F_NEXT, 2);
        driver.desc(0, table, 32, F_INDIRECT, 0);
        int rc = popOne(q, 0);
        assertTrue(rc == PathStatus.ERR_LENGTH, PathStatus.describe(rc));
    }

    @Test
    void shouldRefuseAttachWhenRingPartsDoNotTranslateOrAreMisaligned() {
        GuestMemory mem = driver.memory();
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0 + 8, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF), "desc misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, UVA0 + TestDriver.AVAIL_OFF + 1,
                UVA0 + TestDriver.USED_OFF), "avail misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF + 2), "used misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, 0x1000, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF), "desc unmapped");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.REGION_SIZE - 64), "used runs past region end");
        assertEquals(PathStatus.ERR_RING_SIZE, attach(mem, 100, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF));
        assertEquals(PathStatus.ERR_RING_SIZE, attach(mem, 65536, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF));
        assertEquals(PathStatus.ERR_RING_SIZE, attach(mem, 0, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF));
        assertEquals(PathStatus.OK, attach(mem, 256, UVA0, UVA0 + TestDriver.AVAIL_OFF,
                UVA0 + TestDriver.USED_OFF));
    }

    private static int attach(GuestMemory mem, int size, long d, long a, long u) {
        SplitVirtqueue q = new SplitVirtqueue(0);
        q.configure(size, d, a, u);
        q.setFeatures(true, true);
        int rc = q.attach(mem, true);
        assertEquals(rc == PathStatus.OK, q.attached());
        return rc;
    }

    @Test
    void shouldClearBrokenStateWhenReconfigured() {
        SplitVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_HEAD_RANGE, popOne(q, NUM + 5));
        q.configure(NUM, UVA0 + TestDriver.DESC_OFF, UVA0 + TestDriver.AVAIL_OFF, UVA0 + TestDriver.USED_OFF);
        q.setLastAvailIndex(driver.availIdx());
        assertEquals(PathStatus.OK, q.attach(driver.memory(), false));
        assertFalse(q.broken());
        driver.desc(0, GPA2, 8, 0, 0);
        assertEquals(0, popOne(q, 0));
    }
}
