package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.dma.memory.DomainId;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast path's lazy bookkeeping: statuses stored only for failures (reaping a run of successes reads
 * none) and byte counters accumulated per domain pair as ops are handed to the engine (flushed at submit
 * and completion calls), taken back for ops reaped as failed.
 */
class FastPathAccountingTest {
    private static final int RING = 256;
    private static final long BAD = 0x10L; // never registered

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldReportFailuresExactlyWhenTheyLieInLongRunsOfSuccesses(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            for (int op = 0; op < 200; op++) {
                long src = op == 137 ? BAD : host.address();
                long dst = op == 190 ? BAD : host.address() + 8192;
                assertEquals(op, ch.copy(src, dst, 64, 0));
            }
            ch.submit();
            assertEquals(137, reapUntilError(ch, rig.info), "successes before the first failure");
            assertEquals(136, rig.info.lastIndex);
            assertEquals(0, ch.completed(RING, rig.info), "the failed op stays at the head");
            assertTrue(rig.info.hasError);
            int[] statuses = rig.awaitStatuses(ch, 200 - 137);
            assertEquals(DmaStatus.INVALID_SRC_ADDR, statuses[0]);
            assertEquals(DmaStatus.INVALID_DST_ADDR, statuses[190 - 137]);
            for (int i = 1; i < statuses.length; i++) {
                if (i != 190 - 137) {
                    assertEquals(DmaStatus.SUCCESS, statuses[i], "op " + (137 + i));
                }
            }
            assertEquals(199, rig.info.lastIndex);
            // two more laps reuse every slot, including the two that held failures
            for (int op = 200; op < 200 + 2 * RING; op++) {
                assertEquals(op & 0xFFFF, ch.copy(host.address(), host.address() + 8192, 64, OpFlags.SUBMIT));
                rig.awaitCompleted(ch, 1);
            }
            assertFalse(rig.info.hasError);
            // a burst over every slot whose last op fails: the scan for it must meet only clean slots
            for (int op = 0; op < RING; op++) {
                ch.copy(op == RING - 1 ? BAD : host.address(), host.address() + 8192, 64, 0);
            }
            ch.submit();
            assertEquals(RING - 1, reapUntilError(ch, rig.info));
            assertEquals(1, rig.awaitStatuses(ch, 1).length);
            DmaStats s = ch.stats();
            assertEquals(200 + 3 * RING, s.completed());
            assertEquals(3, s.errors());
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldReportEveryStatusWhenFailuresAreReapedPiecewise(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 64)) {
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            for (int op = 0; op < 40; op++) {
                long src = op % 7 == 3 ? BAD : host.address() + op;
                ch.copy(src, host.address() + 8192 + op * 8L, 8, 0);
            }
            ch.submit();
            int[] statuses = rig.awaitStatuses(ch, 40);
            for (int op = 0; op < 40; op++) {
                int want = op % 7 == 3 ? DmaStatus.INVALID_SRC_ADDR : DmaStatus.SUCCESS;
                assertEquals(want, statuses[op], "op " + op);
            }
            assertEquals(6, ch.stats().errors());
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCountBytesPerPairExactlyWhenPairsInterleave(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            for (int op = 0; op < 30; op++) {
                if (op % 3 == 2) {
                    ch.copy(a.address() + op, host.address() + op, 10, 0);  // guest→host: 10 × 10
                } else {
                    ch.copy(host.address() + op, a.address() + op, 7, 0);   // host→guest: 20 × 7
                }
            }
            ch.copy(host.address(), host.address() + 4096, 5, 0);          // host→host
            ch.submit();
            assertBytes(ch, rig, 140, 100, 5); // counted when handed to the engine: exact once submit() returned
            rig.awaitCompleted(ch, 31);
            assertBytes(ch, rig, 140, 100, 5);
            ch.copy(host.address(), a.address(), 3, OpFlags.SUBMIT);
            rig.awaitCompleted(ch, 1);
            assertBytes(ch, rig, 143, 100, 5);
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCheckAccessAgainWhenHandlesChangeOnTheSameRuns(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            long right = OpFlags.withHandles(0, 0, rig.guestA.handle());
            long wrongDst = OpFlags.withHandles(0, 0, rig.guestB.handle());
            long wrongSrc = OpFlags.withHandles(0, rig.guestB.handle(), rig.guestA.handle());
            long[] flags = {right, right, wrongDst, right, wrongSrc, 0, right, OpFlags.LLC | right};
            for (long f : flags) {
                ch.copy(host.address() + 64, a.address() + 128, 32, f);
            }
            ch.submit();
            int[] statuses = rig.awaitStatuses(ch, flags.length);
            int ok = DmaStatus.SUCCESS;
            int denied = DmaStatus.ACCESS_DENIED;
            assertArrayEqualsInts(new int[] {ok, ok, denied, ok, denied, ok, ok, ok}, statuses);
            assertEquals(6 * 32, ch.stats().bytes(0, rig.guestA.handle()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldDenyCachedGuestPairWhenItLeftTheGroupBetweenBursts(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            DmaChannel ch = rig.ch();
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            MemorySegment b = rig.memory(rig.guestB, Rig.PAGE * 4);
            java.util.UUID token = java.util.UUID.randomUUID();
            int g = rig.dmas.access().create(rig.device, rig.guestA, token);
            rig.dmas.access().join(rig.device, g, rig.guestB, token, null);
            long f = rig.dmas.access().handles(rig.device, g, rig.guestA, rig.guestB).toFlags(0);
            for (int i = 0; i < 4; i++) {
                ch.copy(a.address() + i * 64L, b.address() + i * 64L, 64, f);
            }
            ch.submit();
            rig.awaitCompleted(ch, 4);
            rig.dmas.access().leave(rig.device, g, rig.guestB);
            ch.copy(a.address(), b.address(), 64, f | OpFlags.SUBMIT);
            assertArrayEqualsInts(new int[] {DmaStatus.ACCESS_DENIED}, rig.awaitStatuses(ch, 1));
            assertEquals(256, ch.stats().bytes(rig.guestA.handle(), rig.guestB.handle()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldReportRevokedWhenCachedRunsWereRevokedBetweenBursts(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            ch.copy(host.address(), a.address(), 64, OpFlags.SUBMIT);
            rig.awaitCompleted(ch, 1);
            rig.dmas.memory().revoke(rig.guestA);
            ch.copy(host.address(), a.address(), 64, OpFlags.SUBMIT);
            ch.copy(a.address(), host.address(), 64, OpFlags.SUBMIT);
            int revoked = DmaStatus.REVOKED;
            assertArrayEqualsInts(new int[] {revoked, revoked}, rig.awaitStatuses(ch, 2));
            if (rig.device.info().has(DmaCapability.OPS_FILL)) {
                ch.fill(7, a.address(), 64, OpFlags.SUBMIT);
                assertArrayEqualsInts(new int[] {revoked}, rig.awaitStatuses(ch, 1));
            }
            assertEquals(64, ch.stats().bytes(0, rig.guestA.handle()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCountBytesPerPairWhenFillsInterleaveWithCopies(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, RING)) {
            Assumptions.assumeTrue(rig.device.info().has(DmaCapability.OPS_FILL), "no fill op on this device");
            DmaChannel ch = rig.ch();
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE * 4);
            MemorySegment a = rig.memory(rig.guestA, Rig.PAGE * 4);
            for (int op = 0; op < 12; op++) {
                ch.copy(host.address(), a.address() + 256, 16, 0);          // host→A 16
                ch.fill(op, a.address() + 1024, 8, 0);                     // host→A 8 (fills count as host)
                ch.fill(op, host.address() + 8192, 4, 0);                  // host→host 4
                ch.copy(a.address() + 256, host.address() + 4096, 2, 0);   // A→host 2
            }
            for (int op = 0; op < 5; op++) {                              // same runs, pair changes
                ch.copy(a.address() + 256, a.address() + 2048, 10, 0);    // A→A 10
                ch.fill(op, a.address() + 1024, 8, 0);                     // host→A 8
            }
            ch.submit();
            rig.awaitCompleted(ch, 58);
            assertBytes(ch, rig, 12 * 24 + 5 * 8, 12 * 2, 12 * 4);
            assertEquals(50, ch.stats().bytes(rig.guestA.handle(), rig.guestA.handle()));
        }
    }

    private static void assertArrayEqualsInts(int[] want, int[] got) {
        assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got));
    }

    private static void assertBytes(DmaChannel ch, Rig rig, long hostToGuest, long guestToHost, long hostToHost) {
        DmaStats s = ch.stats();
        assertEquals(hostToGuest, s.bytes(0, rig.guestA.handle()));
        assertEquals(guestToHost, s.bytes(rig.guestA.handle(), 0));
        assertEquals(hostToHost, s.bytes(0, 0));
    }

    private static int reapUntilError(DmaChannel ch, CompletionInfo info) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int got = 0;
        do {
            got += ch.completed(RING, info);
            if (System.nanoTime() > deadline) {
                fail("no error reported after " + got + " ops");
            }
        } while (!info.hasError);
        return got;
    }
}
