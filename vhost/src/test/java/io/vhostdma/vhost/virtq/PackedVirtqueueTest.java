package io.vhostdma.vhost.virtq;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_AVAIL;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_USED;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.BUF_OFF0;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packed ring's data path: chains, ids, wrap counters, used descriptors, rewinds, the ring base. */
class PackedVirtqueueTest {
    private PackedTestDriver driver;
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldPopChainByItsIdAndPublishUsedDescriptorWhenRoundTrip() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        assertEquals(0, q.pending());
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
        driver.add(5, new long[] {BUF_OFF0, GPA2}, new int[] {12, 100}, new int[] {0, F_WRITE});
        assertEquals(2, q.pending());
        assertEquals(5, q.pop(driver.memory(), chain));
        assertEquals(5, chain.head());
        assertEquals(12, chain.readableBytes());
        assertEquals(100, chain.writableBytes());
        assertEquals(2, chain.descriptorCount());
        assertEquals(0, q.pending());
        q.addUsed(5, 60);
        assertNull(driver.pollUsed(), "not visible before publish");
        q.publishUsed();
        int[] used = driver.pollUsed();
        assertArrayEquals(new int[] {5, 60, F_WRITE | F_AVAIL | F_USED}, used);
        assertEquals(2, driver.nextUsed());
        assertEquals(0x0002_8002 | 0x8000_0000, q.lastAvailIndex());
    }

    @Test
    void shouldWriteUsedDescriptorsInCompletionOrderAndMoveByEachChainsSlots() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.add(3, new long[] {BUF_OFF0, BUF_OFF0 + 64}, new int[] {10, 10}, new int[] {0, 0});
        driver.add1(4, BUF_OFF0 + 128, 10, 0);
        assertEquals(3, q.pop(driver.memory(), chain));
        assertEquals(4, q.pop(driver.memory(), chain));
        q.addUsed(4, 0); // completes first: written at used slot 0
        q.addUsed(3, 0);
        q.publishUsed();
        assertArrayEquals(new int[] {4, 0, F_AVAIL | F_USED}, driver.pollUsed());
        assertArrayEquals(new int[] {3, 0, F_AVAIL | F_USED}, driver.pollUsed(), "at used slot 1");
        assertEquals(3, q.lastAvailIndex() >>> 16 & 0x7FFF, "used position moved by 1 + 2 slots");
    }

    /** Property: any mix of chain lengths and completion orders over many laps of an odd-sized ring. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13})
    void shouldKeepWrapCountersAndIdsRightOverManyLapsWhenRingSizeIsAnyNumber(int size) {
        driver = new PackedTestDriver(size);
        PackedVirtqueue q = driver.newQueue(true, false);
        Random rnd = new Random(size * 7919L);
        ArrayDeque<Integer> freeIds = new ArrayDeque<>();
        for (int i = 0; i < size; i++) {
            freeIds.add(i);
        }
        int[] free = {size};
        long buffers = 0;
        for (int round = 0; round < 3000; round++) {
            List<int[]> inFlight = makeAvailable(rnd, freeIds, free);
            q.refillBudget(); // one duty cycle per round
            popAll(q, inFlight);
            Collections.shuffle(inFlight, rnd);
            for (int[] c : inFlight) {
                q.addUsed(c[0], 1000 + c[0]);
            }
            q.publishUsed();
            for (int[] c : inFlight) {
                int[] u = driver.pollUsed();
                assertEquals(c[0], u[0], "used in completion order");
                assertEquals(1000 + c[0], u[1]);
                freeIds.add(u[0]);
                free[0] += c[1];
            }
            assertNull(driver.pollUsed());
            buffers += inFlight.size();
            int base = q.lastAvailIndex();
            assertEquals(driver.nextAvail() | (driver.availWrap() ? 0x8000 : 0), base & 0xFFFF);
            assertEquals(base & 0xFFFF, base >>> 16, "nothing in flight: used position = avail position");
        }
        assertTrue(buffers > 10L * size, "many laps: " + buffers);
    }

    /** Makes chains of 1..3 descriptors available with random free ids while slots are free: {id, slots} each. */
    private List<int[]> makeAvailable(Random rnd, ArrayDeque<Integer> freeIds, int[] free) {
        List<int[]> added = new ArrayList<>();
        while (free[0] > 0 && !freeIds.isEmpty() && rnd.nextInt(3) != 0) {
            int n = 1 + rnd.nextInt(Math.min(free[0], 3));
            int id = freeIds.poll();
            long[] a = new long[n];
            int[] l = new int[n];
            int[] f = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = BUF_OFF0 + 256L * i;
                l[i] = 1 + id;
                f[i] = i == n - 1 ? F_WRITE : 0;
            }
            driver.add(id, a, l, f);
            free[0] -= n;
            added.add(new int[] {id, n});
        }
        return added;
    }

    /** Pops every available chain: the ids in avail order, each with its descriptors and bytes. */
    private void popAll(PackedVirtqueue q, List<int[]> inFlight) {
        int popped = 0;
        int got;
        while ((got = q.pop(driver.memory(), chain)) >= 0) {
            int[] want = inFlight.get(popped++);
            assertEquals(want[0], got, "ids in avail order");
            assertEquals(want[1], chain.descriptorCount());
            assertEquals(1 + got, chain.writableBytes());
        }
        assertEquals(PathStatus.EMPTY, got);
        assertEquals(inFlight.size(), popped);
    }

    @Test
    void shouldWalkIndirectTableAndTakeOneSlotWhenNegotiated() {
        driver = new PackedTestDriver(4);
        PackedVirtqueue q = driver.newQueue(false, true);
        long table = GPA2 + 4096;
        driver.indirectEntry(table, 0, GPA2, 14, 0);
        driver.indirectEntry(table, 1, GPA2 + 100, 1500, F_WRITE | PackedRingLayout.F_NEXT); // NEXT ignored
        driver.indirectEntry(table, 2, GPA2 + 2000, 500, F_WRITE);
        driver.add1(2, table, 48, F_INDIRECT);
        assertEquals(2, q.pop(driver.memory(), chain));
        assertEquals(14, chain.readableBytes());
        assertEquals(2000, chain.writableBytes());
        assertEquals(4, chain.descriptorCount());
        q.addUsed(2, 2014);
        q.publishUsed();
        assertArrayEquals(new int[] {2, 2014, F_WRITE | F_AVAIL | F_USED}, driver.pollUsed());
        assertEquals(1, driver.nextUsed(), "an indirect buffer takes one ring slot");
    }

    @Test
    void shouldCopyIndirectTableWhenItSpansRegions() {
        driver = new PackedTestDriver(4);
        PackedVirtqueue q = driver.newQueue(false, true);
        long table = GPA1 - 16;
        driver.indirectEntry(table, 0, GPA2, 20, 0);
        driver.indirectEntry(table, 1, GPA2 + 64, 30, 0);
        driver.add1(1, table, 32, F_INDIRECT);
        assertEquals(1, q.pop(driver.memory(), chain));
        assertEquals(50, chain.readableBytes());
    }

    @Test
    void shouldWrapAChainAroundTheRingEnd() {
        driver = new PackedTestDriver(3);
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.add1(0, BUF_OFF0, 10, 0);
        driver.add1(1, BUF_OFF0, 10, 0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(1, q.pop(driver.memory(), chain));
        q.addUsed(0, 0);
        q.addUsed(1, 0);
        q.publishUsed();
        driver.pollUsed();
        driver.pollUsed();
        driver.add(2, new long[] {BUF_OFF0, GPA2, GPA2 + 64}, new int[] {5, 6, 7}, new int[] {0, 0, 0}); // slots 2, 0, 1
        assertEquals(2, q.pop(driver.memory(), chain));
        assertEquals(18, chain.readableBytes());
        assertEquals(2, q.availMark(), "avail position 2, wrap counter flipped to 0");
        q.addUsed(2, 0);
        q.publishUsed();
        assertArrayEquals(new int[] {2, 0, F_AVAIL | F_USED}, driver.pollUsed());
    }

    @Test
    void shouldGiveChainsBackWhenRewoundToAMark() {
        driver = new PackedTestDriver(4);
        PackedVirtqueue q = driver.newQueue(false, false);
        driver.add1(0, GPA2, 100, F_WRITE);
        driver.add1(1, GPA2, 100, F_WRITE);
        int mark = q.availMark();
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(1, q.popMore(driver.memory(), chain));
        q.rewindTo(mark);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(1, q.pop(driver.memory(), chain));
        assertEquals(PathStatus.EMPTY, q.pop(driver.memory(), chain));
    }

    @Test
    void shouldTakeUsedPositionFromAvailWhenBaseHasNoUpperHalf() {
        driver = new PackedTestDriver(16);
        PackedVirtqueue q = new PackedVirtqueue(0);
        q.setLastAvailIndex(0x8000 | 5);
        assertEquals(0x8005_8005, q.lastAvailIndex());
        q.setLastAvailIndex(0x0003_8007);
        assertEquals(0x0003_8007, q.lastAvailIndex(), "avail 7 wrap 1, used 3 wrap 0");
        q.configure(16, TestDriver.UVA0, TestDriver.UVA0 + TestDriver.AVAIL_OFF, TestDriver.UVA0 + TestDriver.USED_OFF);
        q.setLastAvailIndex(0x8000 | 16);
        assertEquals(PathStatus.ERR_RING_SIZE, q.attach(driver.memory(), true), "a position beyond the ring");
        q.setLastAvailIndex(0x8000 | 15);
        assertEquals(PathStatus.OK, q.attach(driver.memory(), true));
    }

    @Test
    void shouldReportEveryUsedWriteToTheWriteLogBeforeFlagsWhenLogging() {
        driver = new PackedTestDriver(8);
        PackedVirtqueue q = driver.newQueue(false, false);
        List<String> seen = new ArrayList<>();
        q.writeLog(new WriteLog() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void chainWritten(int ring, int id, int length) {
            }

            @Override
            public void usedRing(int ring, long offset, long length) {
            }

            @Override
            public void guestWritten(long gpa, long length) {
                long slot = (gpa - TestDriver.GPA0 - TestDriver.DESC_OFF) / 16;
                seen.add(gpa >= GPA2 ? "buffer " + (gpa - GPA2) + " " + length
                        : "desc " + slot + " " + length + " visible=" + (driver.usedFlagsAt((int) slot) & F_USED));
            }
        });
        driver.add1(6, GPA2, 100, F_WRITE);
        driver.add1(7, GPA2 + 4096, 100, F_WRITE);
        q.pop(driver.memory(), chain);
        q.pop(driver.memory(), chain);
        q.addUsed(6, 40);
        q.addUsed(7, 41);
        q.publishUsed();
        assertEquals(List.of("buffer 0 40", "buffer 4096 41", "desc 0 16 visible=0", "desc 1 16 visible=0"), seen);
        assertFalse(driver.pollUsed() == null);
    }
}
