package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.access.HandlePair;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes land intact: random sizes and offsets, and concurrent channels under load. */
class DataIntegrityTest {
    private static final int MAX_LEN = 64 * 1024;
    private static final long REGION = 4L * 1024 * 1024;

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldMatchChecksumsWhenSizesAndOffsetsAreRandom(String engine) {
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 1, 64)) {
            MemorySegment src = rig.memory(DomainId.HOST, REGION);
            MemorySegment dst = rig.memory(rig.guestA, REGION);
            Rig.fillRandom(src, 42);
            SplittableRandom rnd = new SplittableRandom(7);
            DmaChannel ch = rig.ch();
            long[] srcOff = new long[16];
            long[] dstOff = new long[16];
            int[] lens = new int[16];
            for (int burst = 0; burst < 40; burst++) {
                long nextDst = 0;
                for (int k = 0; k < 16; k++) {
                    lens[k] = 1 + rnd.nextInt(MAX_LEN);
                    srcOff[k] = rnd.nextLong(REGION - lens[k]);
                    dstOff[k] = nextDst + rnd.nextInt(64);
                    nextDst = dstOff[k] + lens[k];
                    assertTrue(ch.copy(src.address() + srcOff[k], dst.address() + dstOff[k], lens[k], 0) >= 0);
                }
                ch.submit();
                rig.awaitCompleted(ch, 16);
                for (int k = 0; k < 16; k++) {
                    assertEquals(crc(src, srcOff[k], lens[k]), crc(dst, dstOff[k], lens[k]),
                        "burst " + burst + " op " + k + " len " + lens[k]);
                }
            }
        }
    }

    private static long crc(MemorySegment seg, long off, int len) {
        CRC32 c = new CRC32();
        c.update(seg.asSlice(off, len).asByteBuffer());
        return c.getValue();
    }

    @ParameterizedTest
    @MethodSource("io.vhostdma.dma.TestEngines#names")
    void shouldKeepEveryCopyIntactWhenChannelsRunConcurrentlyUnderLoad(String engine) throws Exception {
        Assumptions.assumeTrue(Rig.maxChannels(engine) >= 2, "needs two channels on one device");
        try (Rig rig = new Rig(engine, EngineOptions.defaults(), 2, 64)) {
            MemorySegment src = rig.memory(rig.guestA, REGION);
            Rig.fillRandom(src, 99);
            UUID token = UUID.randomUUID();
            int g = rig.dmas.access().create(rig.device, rig.guestA, token);
            rig.dmas.access().join(rig.device, g, rig.guestB, token, null);
            HandlePair hp = rig.dmas.access().handles(rig.device, g, rig.guestA, rig.guestB);
            MemorySegment dst0 = rig.memory(rig.guestB, 64L * MAX_LEN);
            MemorySegment dst1 = rig.memory(DomainId.HOST, 64L * MAX_LEN);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong verified = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long until = System.nanoTime() + 1_500_000_000L;
            Thread p0 = producer(rig.device.channel(0), src, dst0, hp.toFlags(0), 1, until, verified, failure);
            Thread p1 = producer(rig.device.channel(1), src, dst1, 0, 2, until, verified, failure);
            Thread churn = Thread.ofPlatform().start(() -> churnTables(rig, stop, failure));
            p0.join();
            p1.join();
            stop.set(true);
            churn.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertTrue(verified.get() > 1000, "verified " + verified.get());
            DmaStats s = rig.device.stats();
            assertEquals(verified.get(), s.completed());
            assertEquals(0, s.errors());
        }
    }

    /** Control-plane churn while copies run: every map/unmap publishes a table and quiesces the engine. */
    private static void churnTables(Rig rig, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try {
            DomainId other = rig.dmas.domains().domain(UUID.randomUUID());
            MemorySegment spare = rig.arena.allocate(Rig.PAGE * 4, Rig.PAGE);
            Registration r = rig.dmas.memory().register(other, spare, null, Rig.PAGE);
            while (!stop.get()) {
                rig.dmas.memory().map(rig.device, r);
                rig.dmas.memory().unmap(rig.device, r);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static Thread producer(DmaChannel ch, MemorySegment src, MemorySegment dst, long flags, long seed,
                                   long until, AtomicLong verified, AtomicReference<Throwable> failure) {
        return Thread.ofPlatform().start(() -> {
            try {
                runProducer(ch, src, dst, flags, seed, until, verified);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    /** Keeps the ring busy; slot {@code seq % 64} of dst is reused only after its op was reaped and checked. */
    private static void runProducer(DmaChannel ch, MemorySegment src, MemorySegment dst, long flags, long seed,
                                    long until, AtomicLong verified) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] srcOff = new long[64];
        int[] lens = new int[64];
        int[] statuses = new int[64];
        CompletionInfo info = new CompletionInfo();
        long enq = 0;
        long reaped = 0;
        while (System.nanoTime() < until || reaped < enq) {
            while (System.nanoTime() < until && ch.burstCapacity() > 0 && rnd.nextInt(4) != 0) {
                int slot = (int) (enq & 63);
                lens[slot] = 1 + rnd.nextInt(MAX_LEN);
                srcOff[slot] = rnd.nextLong(REGION - lens[slot]);
                int idx = ch.copy(src.address() + srcOff[slot], dst.address() + (long) slot * MAX_LEN, lens[slot], flags);
                assertEquals((int) (enq & 0xFFFF), idx);
                enq++;
            }
            ch.submit();
            int n = ch.completedStatus(64, statuses, info);
            for (int i = 0; i < n; i++) {
                int slot = (int) (reaped & 63);
                assertEquals(DmaStatus.SUCCESS, statuses[i], "op " + reaped);
                long mismatch = MemorySegment.mismatch(src, srcOff[slot], srcOff[slot] + lens[slot], dst,
                    (long) slot * MAX_LEN, (long) slot * MAX_LEN + lens[slot]);
                assertEquals(-1L, mismatch, "op " + reaped + " len " + lens[slot]);
                reaped++;
                verified.incrementAndGet();
            }
        }
    }
}
