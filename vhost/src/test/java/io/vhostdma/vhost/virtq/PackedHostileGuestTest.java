package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_AVAIL;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_USED;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static io.vhostdma.vhost.virtq.TestDriver.UVA0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every hostile case of the split ring's {@code HostileGuestTest}, on a packed ring, plus the packed-only ones. */
class PackedHostileGuestTest {
    private static final int SIZE = 256;
    private final PackedTestDriver driver = new PackedTestDriver(SIZE);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    private int popOne(PackedVirtqueue q, int id, long addr, int len, int flags) {
        driver.add1(id, addr, len, flags);
        return q.pop(driver.memory(), chain);
    }

    private void assertBroken(PackedVirtqueue q, int code) {
        assertTrue(q.broken());
        assertEquals(code, q.lastError());
        int before = q.lastAvailIndex();
        driver.add1(0, GPA2, 8, 0); // a good chain afterwards is not even looked at
        assertEquals(code, q.pop(driver.memory(), chain));
        assertEquals(code, q.pending());
        assertEquals(before, q.lastAvailIndex());
    }

    @Test
    void shouldBreakRingWhenBufferIdOutOfRange() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_HEAD_RANGE, popOne(q, SIZE, GPA2, 8, 0));
        assertBroken(q, PathStatus.ERR_HEAD_RANGE);
    }

    @Test
    void shouldNotTakeDescriptorsWhoseWrapBitsSayUsedOrStale() {
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.raw(0, GPA2, 8, 0, F_AVAIL | F_USED, true); // used on wrap 1: not available
        assertEquals(0, q.pending());
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
        driver.raw(0, GPA2, 8, 0, 0, true); // available on wrap 0, not on this lap
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
        assertFalse(q.broken());
    }

    @Test
    void shouldTerminateWithLoopErrorWhenEveryDescriptorChains() {
        PackedVirtqueue q = driver.newQueue(false, false);
        for (int i = SIZE - 1; i >= 0; i--) { // NEXT everywhere, non-empty (within the frame budget factor)
            driver.raw(i, GPA2, 8, 0, F_NEXT | F_AVAIL, true);
        }
        assertEquals(PathStatus.ERR_CHAIN_LOOP, q.pop(driver.memory(), chain));
        assertEquals(SIZE, chain.descriptorCount(), "walked the ring once, no more");
        assertBroken(q, PathStatus.ERR_CHAIN_LOOP);
    }

    @Test
    void shouldRejectIndirectWhenNotNegotiated() {
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.indirectEntry(GPA2, 0, GPA2 + 4096, 8, 0);
        assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0, GPA2, 16, F_INDIRECT));
        assertBroken(q, PathStatus.ERR_INDIRECT);
    }

    @Test
    void shouldRejectIndirectWithNext() {
        PackedVirtqueue q = driver.newQueue(false, true);
        driver.indirectEntry(GPA2, 0, GPA2 + 4096, 8, 0);
        driver.add(0, new long[] {GPA2, GPA2 + 4096}, new int[] {16, 8}, new int[] {F_INDIRECT, 0});
        assertEquals(PathStatus.ERR_INDIRECT, q.pop(driver.memory(), chain));
    }

    @Test
    void shouldRejectNestedIndirect() {
        PackedVirtqueue q = driver.newQueue(false, true);
        driver.indirectEntry(GPA2, 0, GPA2 + 4096, 16, F_INDIRECT);
        assertEquals(PathStatus.ERR_INDIRECT, popOne(q, 0, GPA2, 16, F_INDIRECT));
    }

    @Test
    void shouldRejectIndirectLengthZeroUnalignedOrTooBig() {
        int[] bad = {0, 15, 17, 16 * (SIZE + 1)};
        for (int len : bad) {
            PackedVirtqueue q = driver.newQueue(false, true);
            PackedTestDriver fresh = new PackedTestDriver(SIZE);
            try {
                PackedVirtqueue q2 = fresh.newQueue(false, true);
                fresh.add1(0, GPA2, len, F_INDIRECT);
                assertEquals(PathStatus.ERR_INDIRECT, q2.pop(fresh.memory(), chain), "len=" + len);
            } finally {
                fresh.close();
            }
            assertFalse(q.broken());
        }
    }

    @Test
    void shouldRejectIndirectTableOutsideMemory() {
        PackedVirtqueue q = driver.newQueue(false, true);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0, GPA2 + TestDriver.REGION_SIZE - 16, 32, F_INDIRECT));
    }

    @Test
    void shouldRejectBufferOutsideMemory() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0, 0x9000_0000L, 8, 0));
        assertBroken(q, PathStatus.ERR_ADDRESS);
    }

    @Test
    void shouldRejectBufferRunningPastRegionEnd() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0, GPA1 + TestDriver.REGION_SIZE - 8, 16, 0));
    }

    @Test
    void shouldRejectBufferWhenAddressPlusLengthOverflows() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_ADDRESS, popOne(q, 0, -8L, 16, 0));
    }

    @Test
    void shouldRejectReadableAfterWritable() {
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.add(0, new long[] {GPA2, GPA2 + 64}, new int[] {8, 8}, new int[] {F_WRITE, 0});
        assertEquals(PathStatus.ERR_WRITE_ORDER, q.pop(driver.memory(), chain));
        assertBroken(q, PathStatus.ERR_WRITE_ORDER);
    }

    @Test
    void shouldRejectChainNeedingMoreThanMaxSegments() {
        PackedTestDriver big = new PackedTestDriver(512);
        try {
            PackedVirtqueue q = big.newQueue(false, false);
            int n = DescriptorChain.MAX_SEGMENTS + 1;
            long[] a = new long[n];
            int[] l = new int[n];
            int[] f = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = GPA2 + 64L * i;
                l[i] = 8;
            }
            big.add(0, a, l, f);
            assertEquals(PathStatus.ERR_CHAIN_TOO_LONG, q.pop(big.memory(), chain));
        } finally {
            big.close();
        }
    }

    @Test
    void shouldRejectChainLongerThanFourGigabytes() {
        PackedVirtqueue q = driver.newQueue(false, true);
        driver.indirectEntry(GPA2, 0, GPA1, 8, 0);
        driver.indirectEntry(GPA2, 1, GPA1, -1, 0);
        assertEquals(PathStatus.ERR_LENGTH, popOne(q, 0, GPA2, 32, F_INDIRECT));
    }

    @Test
    void shouldRefuseAttachWhenRingPartsDoNotTranslateOrAreMisaligned() {
        GuestMemory mem = driver.memory();
        long a = UVA0 + TestDriver.AVAIL_OFF;
        long u = UVA0 + TestDriver.USED_OFF;
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0 + 8, a, u), "desc misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, a + 2, u), "driver area misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, a, u + 2), "device area misaligned");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, 0x1000, a, u), "desc unmapped");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0 + TestDriver.REGION_SIZE - 64, a, u),
                "desc runs past region end");
        assertEquals(PathStatus.ERR_RING_ADDRESS, attach(mem, 256, UVA0, a, UVA0 + TestDriver.REGION_SIZE - 2),
                "device area runs past region end");
        assertEquals(PathStatus.ERR_RING_SIZE, attach(mem, 65536, UVA0, a, u));
        assertEquals(PathStatus.ERR_RING_SIZE, attach(mem, 0, UVA0, a, u));
        assertEquals(PathStatus.OK, attach(mem, 100, UVA0, a, u), "any size, not only powers of two");
    }

    private static int attach(GuestMemory mem, int size, long d, long a, long u) {
        PackedVirtqueue q = new PackedVirtqueue(0);
        q.configure(size, d, a, u);
        q.setFeatures(true, true);
        q.setLastAvailIndex(0x8000);
        int rc = q.attach(mem, true);
        assertEquals(rc == PathStatus.OK, q.attached());
        return rc;
    }

    @Test
    void shouldClearBrokenStateWhenReconfigured() {
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(PathStatus.ERR_HEAD_RANGE, popOne(q, SIZE + 5, GPA2, 8, 0));
        q.configure(SIZE, UVA0 + TestDriver.DESC_OFF, UVA0 + TestDriver.AVAIL_OFF, UVA0 + TestDriver.USED_OFF);
        q.setLastAvailIndex(1 | 0x8000);
        assertEquals(PathStatus.OK, q.attach(driver.memory(), false));
        assertFalse(q.broken());
        assertEquals(3, popOne(q, 3, GPA2, 8, 0));
    }

    @Test
    void shouldStopAFrameAtItsBudgetAndLetTheCallerSkipTheChain() {
        PackedVirtqueue q = driver.newQueue(false, false);
        int n = 200; // 199 empty descriptors + 1 with data: legal by the loop guard (256), absurd as work
        long[] a = new long[n];
        int[] l = new int[n];
        int[] f = new int[n];
        java.util.Arrays.fill(a, GPA2);
        l[n - 1] = 64;
        driver.add(9, a, l, f);
        assertEquals(PathStatus.FRAME_OVER_BUDGET, q.pop(driver.memory(), chain));
        assertEquals(SplitVirtqueue.FRAME_SLACK + 1, chain.descriptorCount(), "walked 64 + 1 descriptors, no more");
        assertFalse(q.broken());
        assertEquals(PathStatus.OVER_BUDGET, q.pop(driver.memory(), chain), "out of buffers for the cycle");
        assertEquals(9, q.skipHead(chain), "consumed: its id is in its last descriptor");
        assertEquals(n | 0x8000, q.availMark());
        q.addUsed(9, 0);
        q.publishUsed();
        assertEquals(9, driver.pollUsed()[0]);
        assertEquals(n, driver.nextUsed(), "the used position moved by the whole chain");
        q.refillBudget();
        assertEquals(4, popOne(q, 4, GPA2, 64, 0));
    }

    @Test
    void shouldCapTheDescriptorsARingWalksInOneCycle() {
        PackedTestDriver big = new PackedTestDriver(32768);
        try {
            PackedVirtqueue q = big.newQueue(false, false);
            for (int i = 0; i < 500; i++) {
                long[] a = new long[60];
                int[] l = new int[60];
                java.util.Arrays.fill(a, GPA2);
                l[59] = 64;
                big.add(i, a, l, new int[60]);
            }
            int taken = 0;
            int rc;
            while ((rc = q.pop(big.memory(), chain)) >= 0) {
                taken++;
            }
            assertEquals(PathStatus.OVER_BUDGET, rc);
            assertEquals(SplitVirtqueue.CYCLE_DESCRIPTORS / 60, taken, "8192 descriptors per cycle");
            q.refillBudget();
            assertEquals(taken, q.pop(big.memory(), chain), "the next cycle goes on where this one stopped");
        } finally {
            big.close();
        }
    }
}
