package io.vhostdma.backend.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MacTableTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int AGING = 10;

    private static long mac(long n) {
        return 0x0200_0000_0000L | n; // locally administered unicast
    }

    @Test
    void shouldForwardToLearnedPortWhenMacWasSeen() {
        MacTable t = new MacTable(4096, AGING, 0);
        assertEquals(MacTable.LEARNED, t.learn(mac(1), 3));
        assertEquals(3, t.lookup(mac(1)));
        assertEquals(MacTable.UNKNOWN, t.lookup(mac(2)));
        assertEquals(1, t.learnedCount(3));
    }

    @Test
    void shouldNotLearnAndKeepOthersWhenPortFloodsFromManySourceMacs() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.limit(0, 64);
        t.learn(mac(0xA), 1);
        t.learn(mac(0xB), 2);
        SplittableRandom random = new SplittableRandom(7);
        int overLimit = 0;
        for (int i = 0; i < 100_000; i++) {
            overLimit += t.learn(mac(0x1_0000 + random.nextLong(1L << 32)), 0) == MacTable.OVER_LIMIT ? 1 : 0;
        }
        assertEquals(64, t.learnedCount(0));
        assertTrue(overLimit >= 100_000 - 64 - 100, "over-limit results: " + overLimit);
        assertEquals(1, t.lookup(mac(0xA)));
        assertEquals(2, t.lookup(mac(0xB)));
    }

    @Test
    void shouldRefuseWithoutEvictingWhenProbeWindowHoldsOnlyOtherLiveEntries() {
        MacTable t = new MacTable(8, AGING, 0); // one probe window is the whole table
        for (long n = 0; n < 8; n++) {
            assertEquals(MacTable.LEARNED, t.learn(mac(n), 1));
        }
        assertEquals(MacTable.TABLE_FULL, t.learn(mac(100), 2));
        for (long n = 0; n < 8; n++) {
            assertEquals(1, t.lookup(mac(n)));
        }
        assertEquals(0, t.learnedCount(2));
        t.tick(AGING * SECOND); // aged entries may be replaced
        assertEquals(MacTable.LEARNED, t.learn(mac(100), 2));
        assertEquals(2, t.lookup(mac(100)));
    }

    @Test
    void shouldMoveStationWhenMacAppearsOnAnotherPortWithRoom() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.learn(mac(5), 1);
        assertEquals(MacTable.LEARNED, t.learn(mac(5), 2));
        assertEquals(2, t.lookup(mac(5)));
        assertEquals(0, t.learnedCount(1));
        assertEquals(1, t.learnedCount(2));
    }

    @Test
    void shouldKeepOldPortWhenMacAppearsOnAPortAtItsLimit() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.limit(2, 1);
        t.learn(mac(9), 2);
        t.learn(mac(5), 1);
        assertEquals(MacTable.OVER_LIMIT, t.learn(mac(5), 2));
        assertEquals(1, t.lookup(mac(5)));
    }

    @Test
    void shouldForgetEntryAndFreeItsQuotaWhenItAgesOut() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.limit(0, 1);
        t.learn(mac(1), 0);
        t.tick((AGING - 1) * SECOND);
        assertEquals(0, t.lookup(mac(1)));
        assertEquals(MacTable.OVER_LIMIT, t.learn(mac(2), 0));
        t.tick(AGING * SECOND);
        assertEquals(MacTable.UNKNOWN, t.lookup(mac(1)));
        assertEquals(0, t.learnedCount(0));
        assertEquals(MacTable.LEARNED, t.learn(mac(2), 0));
        assertEquals(0, t.lookup(mac(2)));
    }

    @Test
    void shouldKeepEntryWhenSeenAgainBeforeItAges() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.learn(mac(1), 0);
        t.tick(6 * SECOND);
        t.learn(mac(1), 0);
        t.tick(12 * SECOND);
        assertEquals(0, t.lookup(mac(1)));
        t.tick(16 * SECOND);
        assertEquals(MacTable.UNKNOWN, t.lookup(mac(1)));
    }

    @Test
    void shouldMissAgedEntryBeforeTheSweepRuns() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.learn(mac(1), 0);
        t.learn(mac(2), 1);
        assertEquals(2, t.tick(AGING * SECOND)); // both aged: freed by the sweep
        t.learn(mac(1), 0);
        assertEquals(0, t.lookup(mac(1)));
    }

    @Test
    void shouldForgetOnlyThatPortWhenPortGoesDown() {
        MacTable t = new MacTable(4096, AGING, 0);
        t.learn(mac(1), 0);
        t.learn(mac(2), 0);
        t.learn(mac(3), 1);
        t.forgetPort(0);
        assertEquals(MacTable.UNKNOWN, t.lookup(mac(1)));
        assertEquals(1, t.lookup(mac(3)));
        assertEquals(0, t.learnedCount(0));
    }

    @Test
    void shouldSizeTableForFourSlotsPerAllowedEntryWhenAskedForCapacity() {
        assertEquals(4096, MacTable.capacityFor(2));
        assertEquals(8192, MacTable.capacityFor(2 * 1024));
        assertEquals(1 << 20, MacTable.capacityFor(64L * 65536));
    }

    @Test
    void shouldHoldEveryPortToItsLimitAndCountExactlyWhenWorkersLearnConcurrently() throws Exception {
        MacTable t = new MacTable(1 << 14, AGING, 0);
        int ports = 4;
        for (int p = 0; p < ports; p++) {
            t.limit(p, 500);
        }
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            long seed = i;
            ts[i] = Thread.ofPlatform().start(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                try {
                    go.await();
                    for (int n = 0; n < 200_000; n++) {
                        int port = r.nextInt(ports);
                        t.learn(mac(r.nextLong(4000)), port); // the same MACs move between ports too
                        if (n % 50_000 == 0) {
                            t.forgetPort(r.nextInt(ports));
                        }
                    }
                } catch (InterruptedException e) {
                    failures.incrementAndGet();
                }
            });
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(0, failures.get());
        int[] held = new int[ports];
        for (long m = 0; m < 4000; m++) {
            int p = t.lookup(mac(m));
            if (p >= 0) {
                held[p]++;
            }
        }
        for (int p = 0; p < ports; p++) {
            assertTrue(t.learnedCount(p) <= 500, "port " + p + " over its limit: " + t.learnedCount(p));
            // duplicates of one MAC (a race between two learners) are counted but looked up once
            assertTrue(held[p] <= t.learnedCount(p), "port " + p + " holds " + held[p] + " counted " + t.learnedCount(p));
        }
        t.forgetPort(0);
        t.forgetPort(1);
        t.forgetPort(2);
        t.forgetPort(3);
        for (int p = 0; p < ports; p++) {
            assertEquals(0, t.learnedCount(p), "count left after every entry was removed: port " + p);
        }
    }
}
