package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.UUID;

/**
 * Test rig: a started device of one engine (options completed by {@link TestEngines}; rings at least the
 * engine's minimum size) with registered, mapped host and guest memory.
 */
public final class Rig implements AutoCloseable {
    public static final long PAGE = 4096;
    public final DmaDevices dmas;
    public final Arena arena = Arena.ofShared();
    public final DmaDevice device;
    public final DomainId guestA;
    public final DomainId guestB;
    public final CompletionInfo info = new CompletionInfo();

    public Rig(String engine, EngineOptions options, int channels, int ringSize) {
        this(engine, options, channels, ringSize, io.vhostdma.dma.memory.MemoryRegistry.DEFAULT_DRAIN_TIMEOUT_NANOS);
    }

    /** A rig whose unmap/unregister wait at most {@code drainTimeoutNanos} for copies in flight. */
    public Rig(String engine, EngineOptions options, int channels, int ringSize, long drainTimeoutNanos) {
        dmas = new DmaDevices(drainTimeoutNanos);
        guestA = dmas.domains().domain(UUID.randomUUID());
        guestB = dmas.domains().domain(UUID.randomUUID());
        device = TestEngines.create(dmas, "dev-" + engine, engine, options);
        device.configure(new DeviceConfig(channels));
        int ring = Math.max(ringSize, device.info().minRingSize()); // an engine may need larger rings
        for (int i = 0; i < channels; i++) {
            device.setupChannel(i, new ChannelConfig(ring));
        }
        device.start();
    }

    public Rig(String engine) {
        this(engine, EngineOptions.defaults(), 1, 256);
    }

    /** @return how many channels one device of {@code engine} offers (tests needing more skip) */
    public static int maxChannels(String engine) {
        try (DmaDevices probe = new DmaDevices()) {
            DmaDevice d = TestEngines.create(probe, "probe", engine, EngineOptions.defaults());
            return d.info().maxChannels();
        }
    }

    public DmaChannel ch() {
        return device.channel(0);
    }

    /** Allocates, registers and maps page-aligned memory of a domain. */
    public MemorySegment memory(DomainId domain, long bytes) {
        MemorySegment seg = arena.allocate(bytes, PAGE);
        Registration r = dmas.memory().register(domain, seg, null, PAGE);
        dmas.memory().map(device, r);
        return seg;
    }

    public static void fillRandom(MemorySegment seg, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        for (long i = 0; i < seg.byteSize(); i += 8) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
        }
    }

    /** Polls completed() until {@code n} ops are reaped (fails on error or after 5 s). */
    public void awaitCompleted(DmaChannel ch, int n) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int got = 0;
        while (got < n) {
            got += ch.completed(n - got, info);
            assertTrue(!info.hasError, "unexpected error after " + got + " ops");
            if (System.nanoTime() > deadline) {
                fail("timed out: completed " + got + " of " + n);
            }
            Thread.onSpinWait();
        }
    }

    /** Polls completedStatus() until {@code n} ops are reaped into {@code statuses}. */
    public int[] awaitStatuses(DmaChannel ch, int n) {
        int[] statuses = new int[n];
        int[] part = new int[n];
        long deadline = System.nanoTime() + 5_000_000_000L;
        int got = 0;
        while (got < n) {
            int k = ch.completedStatus(n - got, part, info);
            System.arraycopy(part, 0, statuses, got, k);
            got += k;
            if (System.nanoTime() > deadline) {
                fail("timed out: completedStatus " + got + " of " + n);
            }
        }
        return statuses;
    }

    @Override
    public void close() {
        dmas.close();
        arena.close();
    }
}
