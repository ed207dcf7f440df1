package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.memory.DomainId;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API conformance suite, run against every engine (like a dmadev API test run against each driver):
 * {@code cpu} and {@code sw} here, other engines through {@link TestEngines}. Limits (channels, ring
 * sizes, capacity) are read from the device, so an engine with other limits runs the same checks.
 */
class ConformanceTest {

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldRejectLifecycleCallsWhenOutOfOrder(String engine) {
        try (DmaDevices dmas = new DmaDevices()) {
            DmaDevice d = TestEngines.create(dmas, "life", engine, EngineOptions.defaults());
            DmaInfo info = d.info();
            int n = Math.min(2, info.maxChannels());
            int ring = Math.max(64, info.minRingSize());
            assertEquals(DmaDevice.State.CREATED, d.state());
            assertThrows(DmaException.IllegalState.class, () -> d.setupChannel(0, new ChannelConfig(ring)));
            assertThrows(DmaException.IllegalState.class, d::start);
            assertThrows(DmaException.IllegalState.class, d::stop);
            assertThrows(DmaException.InvalidArgument.class, () -> d.configure(new DeviceConfig(0)));
            assertThrows(DmaException.InvalidArgument.class,
                () -> d.configure(new DeviceConfig(info.maxChannels() + 1)));
            d.configure(new DeviceConfig(n));
            assertThrows(DmaException.InvalidArgument.class, () -> d.setupChannel(n, new ChannelConfig(ring)));
            assertThrows(DmaException.InvalidArgument.class, () -> d.setupChannel(0, new ChannelConfig(ring + 36)));
            assertThrows(DmaException.InvalidArgument.class,
                () -> d.setupChannel(0, new ChannelConfig(info.minRingSize() / 2)));
            d.setupChannel(0, new ChannelConfig(ring));
            if (n == 2) {
                DmaException notAll = assertThrows(DmaException.IllegalState.class, d::start);
                assertTrue(notAll.getMessage().contains("vchan=1"), notAll.getMessage());
                d.setupChannel(1, new ChannelConfig(ring));
            }
            assertEquals(-DmaErrno.ENODEV, d.channel(0).copy(1, 2, 8, 0));
            d.start();
            assertThrows(DmaException.IllegalState.class, d::start);
            assertThrows(DmaException.IllegalState.class, () -> d.configure(new DeviceConfig(1)));
            assertThrows(DmaException.IllegalState.class, d::close);
            d.stop();
            assertEquals(-DmaErrno.ENODEV, d.channel(n - 1).copy(1, 2, 8, 0));
            assertEquals(-DmaErrno.ENODEV, d.channel(n - 1).submit());
            d.close();
            assertThrows(DmaException.NotFound.class, () -> dmas.get("life"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldDescribeDeviceWhenInfoAndDumpAreAsked(String engine) {
        try (Rig rig = new Rig(engine)) {
            DmaInfo info = rig.device.info();
            assertEquals(engine, info.engine());
            assertEquals(1, info.channels());
            assertTrue(info.has(DmaCapability.MEM_TO_MEM | DmaCapability.OPS_COPY | DmaCapability.HANDLES_ERRORS
                | DmaCapability.INTER_DOMAIN), "the layer's checks give every device these");
            if (TestEngines.injectsFaults(engine)) {
                assertTrue(info.has(DmaCapability.OPS_COPY_SG | DmaCapability.OPS_FILL), "built-in engines do all ops");
            }
            assertEquals(!engine.equals("cpu"), info.has(DmaCapability.ASYNC));
            assertTrue(DmaDevices.engines().containsAll(java.util.List.of("cpu", "sw", engine)));
            assertThrows(DmaException.NotFound.class, () -> rig.dmas.create("x", "nope"));
            assertThrows(DmaException.AlreadyExists.class, () -> rig.dmas.create(rig.device.name(), engine));
            String dump = rig.device.dump();
            assertTrue(dump.contains("engine=" + engine) && dump.contains("channel 0") && dump.contains("copy"), dump);
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldWrapRingIndexWhenPast65535(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 64)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            DmaChannel ch = rig.ch();
            long base = host.address();
            int total = 70_000;
            for (int i = 0; i < total; i += 32) {
                for (int k = 0; k < 32; k++) {
                    assertEquals((i + k) & 0xFFFF, ch.copy(base, base + 2048, 64, 0));
                }
                ch.submit();
                rig.awaitCompleted(ch, 32);
                assertEquals((i + 31) & 0xFFFF, rig.info.lastIndex);
            }
            assertEquals((70_016 - 1) & 0xFFFF, rig.info.lastIndex);
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldReturnEnospcWhenRingIsFull(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 16)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            DmaChannel ch = rig.ch();
            int cap = ch.burstCapacity(); // the ring size, or less when the engine keeps a slot free
            assertTrue(cap > 10 && cap <= ch.ringSize(), "capacity " + cap);
            for (int i = 0; i < cap; i++) {
                assertEquals(i, ch.copy(host.address(), host.address() + 1024, 8, 0));
            }
            assertEquals(0, ch.burstCapacity());
            assertEquals(-DmaErrno.ENOSPC, ch.copy(host.address(), host.address() + 1024, 8, 0));
            if (rig.device.info().has(DmaCapability.OPS_FILL)) {
                assertEquals(-DmaErrno.ENOSPC, ch.fill(0, host.address(), 8, 0));
            }
            ch.submit();
            rig.awaitCompleted(ch, 10);
            assertEquals(10, ch.burstCapacity());
            rig.awaitCompleted(ch, cap - 10);
            assertEquals(cap, ch.burstCapacity());
            assertEquals(cap, ch.copy(host.address(), host.address() + 1024, 8, OpFlags.SUBMIT));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCompleteInOrderWhenManyOpsAreSubmitted(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment src = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment dst = rig.memory(rig.guestA, Rig.PAGE * 4);
            Rig.fillRandom(src, 7);
            DmaChannel ch = rig.ch();
            for (int i = 0; i < 100; i++) {
                ch.copy(src.address() + i, dst.address() + i * 100L, 100, 0);
            }
            assertEquals(0, ch.completed(100, rig.info), "nothing is reported before submit");
            assertEquals(65535, rig.info.lastIndex);
            ch.submit();
            int seen = 0;
            while (seen < 100) {
                int n = ch.completed(7, rig.info);
                assertTrue(n <= 7);
                seen += n;
                if (n > 0) {
                    assertEquals(seen - 1, rig.info.lastIndex, "completions come in order");
                }
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(-1L, MemorySegment.mismatch(src, i, i + 100, dst, i * 100L, i * 100L + 100));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldStopCompletedAtErrorWhenAnOpFails(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            DmaChannel ch = rig.ch();
            long bad = host.address() + Rig.PAGE * 1000;
            for (int i = 0; i < 10; i++) {
                long src = i == 5 ? bad : host.address();
                assertEquals(i, ch.copy(src, host.address() + 2048, 16, 0));
            }
            ch.submit();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int n = 0;
            while (n < 5 && System.nanoTime() < deadline) {
                n += ch.completed(10, rig.info);
            }
            assertEquals(5, n);
            awaitError(ch, rig.info);
            assertEquals(4, rig.info.lastIndex);
            assertEquals(0, ch.completed(10, rig.info), "the failed op stays at the head");
            assertTrue(rig.info.hasError);
            int[] statuses = rig.awaitStatuses(ch, 5);
            assertArrayEquals(new int[] {DmaStatus.INVALID_SRC_ADDR, 0, 0, 0, 0}, statuses);
            assertTrue(rig.info.hasError);
            assertEquals(9, rig.info.lastIndex);
            assertEquals(10, ch.copy(host.address(), host.address() + 8, 8, OpFlags.SUBMIT), "channel carries on");
            rig.awaitCompleted(ch, 1);
            DmaStats s = ch.stats();
            assertEquals(11, s.submitted());
            assertEquals(11, s.completed());
            assertEquals(1, s.errors());
        }
    }

    private static void awaitError(DmaChannel ch, CompletionInfo info) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            assertEquals(0, ch.completed(10, info));
        } while (!info.hasError && System.nanoTime() < deadline);
        assertTrue(info.hasError);
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldMoveNoByteWhenDestinationIsOutsideRegisteredMemory(String engine) {
        try (Rig rig = new Rig(engine)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment stray = rig.arena.allocate(Rig.PAGE, Rig.PAGE); // never registered
            host.fill((byte) 0x5A);
            DmaChannel ch = rig.ch();
            ch.copy(host.address(), stray.address(), 64, 0);
            ch.copy(host.address(), host.address() + Rig.PAGE - 32, 64, 0); // runs past the registration's end
            ch.submit();
            assertArrayEquals(new int[] {DmaStatus.INVALID_DST_ADDR, DmaStatus.INVALID_DST_ADDR},
                rig.awaitStatuses(ch, 2));
            assertEquals(-1L, stray.mismatch(rig.arena.allocate(Rig.PAGE)), "stray memory untouched");
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldFillWithPatternWhenFillIsEnqueued(String engine) {
        try (Rig rig = new Rig(engine)) {
            Assumptions.assumeTrue(rig.device.info().has(DmaCapability.OPS_FILL), "no fill op on this device");
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            DmaChannel ch = rig.ch();
            long pattern = 0x0807060504030201L;
            assertEquals(0, ch.fill(pattern, host.address() + 3, 21, OpFlags.SUBMIT));
            rig.awaitCompleted(ch, 1);
            assertEquals(0, host.get(ValueLayout.JAVA_BYTE, 2));
            for (int i = 0; i < 21; i++) {
                assertEquals((byte) (1 + i % 8), host.get(ValueLayout.JAVA_BYTE, 3 + i), "byte " + i);
            }
            assertEquals(0, host.get(ValueLayout.JAVA_BYTE, 24));
            assertEquals(21, ch.stats().bytes(0, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldGatherAndScatterWhenCopySgIsEnqueued(String engine) {
        try (Rig rig = new Rig(engine)) {
            Assumptions.assumeTrue(rig.device.info().has(DmaCapability.OPS_COPY_SG), "no copy_sg op on this device");
            MemorySegment src = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment dst = rig.memory(rig.guestA, Rig.PAGE);
            Rig.fillRandom(src, 3);
            DmaChannel ch = rig.ch();
            long s = src.address();
            long d = dst.address();
            long[] srcs = {s + 100, s + 1000, s + 3000};
            int[] srcLens = {10, 20, 30};
            long[] dsts = {d + 500, d + 2000};
            int[] dstLens = {45, 15};
            assertEquals(-DmaErrno.EINVAL, ch.copySg(srcs, srcLens, 3, dsts, new int[] {45, 14}, 2, 0));
            assertEquals(-DmaErrno.EINVAL, ch.copySg(srcs, srcLens, 5, dsts, dstLens, 2, 0));
            assertEquals(0, ch.copySg(srcs, srcLens, 3, dsts, dstLens, 2, OpFlags.SUBMIT));
            rig.awaitCompleted(ch, 1);
            byte[] expected = new byte[60];
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 100, expected, 0, 10);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 1000, expected, 10, 20);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 3000, expected, 30, 30);
            byte[] actual = new byte[60];
            MemorySegment.copy(dst, ValueLayout.JAVA_BYTE, 500, actual, 0, 45);
            MemorySegment.copy(dst, ValueLayout.JAVA_BYTE, 2000, actual, 45, 15);
            assertArrayEquals(expected, actual);
            assertEquals(60, ch.stats().bytes(0, rig.guestA.handle()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldCountStatsPerDomainPairWhenCopiesComplete(String engine) {
        Assumptions.assumeTrue(Rig.maxChannels(engine) >= 2, "needs two channels on one device");
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 2, 64)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            MemorySegment guest = rig.memory(rig.guestA, Rig.PAGE);
            DmaChannel c0 = rig.device.channel(0);
            DmaChannel c1 = rig.device.channel(1);
            c0.copy(host.address(), guest.address(), 100, 0);
            c0.copy(guest.address(), host.address(), 40, OpFlags.SUBMIT);
            c1.copy(host.address(), host.address() + 2048, 7, OpFlags.SUBMIT);
            rig.awaitCompleted(c0, 2);
            rig.awaitCompleted(c1, 1);
            DmaStats s = rig.device.stats();
            assertEquals(3, s.submitted());
            assertEquals(3, s.completed());
            assertEquals(0, s.errors());
            assertEquals(100, s.bytes(0, rig.guestA.handle()));
            assertEquals(40, s.bytes(rig.guestA.handle(), 0));
            assertEquals(7, s.bytes(0, 0));
            assertEquals(140, c0.stats().bytes().stream().mapToLong(DmaStats.PairBytes::bytes).sum());
            assertTrue(rig.device.dump().contains("submitted=2 completed=2 errors=0"), rig.device.dump());
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldFailInjectedOpWhenErrorKnobNamesIt(String engine) {
        Assumptions.assumeTrue(TestEngines.injectsFaults(engine), "the engine has no fault-injection knob");
        try (Rig rig = new Rig(engine, EngineOptions.defaults().withErrorAtOp(3), 1, 64)) {
            MemorySegment host = rig.memory(DomainId.HOST, Rig.PAGE);
            DmaChannel ch = rig.ch();
            for (int i = 0; i < 6; i++) {
                ch.fill(0x1111111111111111L * (i + 1), host.address() + i * 64L, 64, 0);
            }
            ch.submit();
            int[] statuses = rig.awaitStatuses(ch, 6);
            assertArrayEquals(new int[] {0, 0, 0, DmaStatus.BUS_ERROR, 0, 0}, statuses);
            assertEquals(0L, host.get(ValueLayout.JAVA_LONG, 3 * 64), "the failed op moved nothing");
            assertEquals(0x2222222222222222L, host.get(ValueLayout.JAVA_LONG, 64));
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldRejectBadArgumentsWhenEnqueueing(String engine) {
        try (Rig rig = new Rig(engine)) {
            DmaChannel ch = rig.ch();
            int cap = ch.burstCapacity();
            assertEquals(-DmaErrno.EINVAL, ch.copy(1, 2, 0, 0));
            boolean fills = rig.device.info().has(DmaCapability.OPS_FILL);
            assertEquals(fills ? -DmaErrno.EINVAL : -DmaErrno.ENOTSUP, ch.fill(1, 2, -5, 0));
            assertEquals(cap, ch.burstCapacity(), "refused ops take no ring slot");
        }
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldBehaveAsDocumentedWhenPackageExampleIsReplayed(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 16)) {
            MemorySegment m = rig.memory(DomainId.HOST, Rig.PAGE);
            long a = m.address();
            DmaChannel ch = rig.ch();
            int cap = ch.burstCapacity();
            assertEquals(0, ch.copy(a, a + 1024, 64, 0));
            assertEquals(1, ch.copy(a + 64, a + 1088, 64, 0));
            assertEquals(2, ch.copy(a + Rig.PAGE * 64, a + 1152, 64, 0));
            assertEquals(3, ch.copy(a + 128, a + 1216, 64, OpFlags.SUBMIT));
            int got = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got < 2 && System.nanoTime() < deadline) {
                got += ch.completed(16, rig.info);
            }
            assertEquals(2, got);
            assertEquals(1, rig.info.lastIndex);
            awaitError(ch, rig.info);
            assertEquals(1, rig.info.lastIndex);
            int[] st = rig.awaitStatuses(ch, 2);
            assertArrayEquals(new int[] {DmaStatus.INVALID_SRC_ADDR, DmaStatus.SUCCESS}, st);
            assertEquals(3, rig.info.lastIndex);
            assertTrue(rig.info.hasError, "the reaped batch held the failure");
            assertEquals(cap, ch.burstCapacity());
        }
    }
}
