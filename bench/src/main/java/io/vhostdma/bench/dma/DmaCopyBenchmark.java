package io.vhostdma.bench.dma;

import io.vhostdma.dma.ChannelConfig;
import io.vhostdma.dma.CompletionInfo;
import io.vhostdma.dma.DeviceConfig;
import io.vhostdma.dma.DmaChannel;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaDevices;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.OpFlags;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Host-to-guest copies through a DMA channel with the registry (software IOMMU) and the domain checks
 * on: each invocation enqueues {@link CopyFixture#BURST} copies carrying domain handles, submits, and
 * polls until all completed. The score is copies per second. {@code -p engine=dpdk} runs the same on
 * DPDK's skeleton dmadev through the {@code dpdk} engine (needs DPDK 22.11; the EAL starts in the
 * benchmark's forked JVM).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DmaCopyBenchmark {
    @Param({"64", "1518"})
    int size;

    @Param({"cpu", "sw"})
    String engine;

    private DmaDevices dmas;
    private Arena arena;
    private DmaChannel channel;
    private long src;
    private long dst;
    private long flags;
    private final CompletionInfo info = new CompletionInfo();

    /** Creates the device, registers and maps host and guest memory. */
    @Setup(Level.Trial)
    public void setUp() {
        dmas = new DmaDevices();
        arena = Arena.ofShared();
        EngineOptions options = engine.equals("dpdk")
            ? EngineOptions.defaults().withBacking("dma_skeleton0", List.of("--no-huge", "-m", "256", "--no-pci",
                "--no-telemetry", "--no-shconf", "--vdev=dma_skeleton0"))
            : EngineOptions.defaults();
        DmaDevice device = dmas.create("bench", engine, options);
        device.configure(new DeviceConfig(1));
        device.setupChannel(0, new ChannelConfig(256));
        device.start();
        DomainId guest = dmas.domains().domain(UUID.randomUUID());
        MemorySegment hostMem = CopyFixture.buffer(arena);
        MemorySegment guestMem = CopyFixture.buffer(arena);
        Registration h = dmas.memory().register(DomainId.HOST, hostMem, null, CopyFixture.PAGE);
        Registration g = dmas.memory().register(guest, guestMem, null, CopyFixture.PAGE);
        dmas.memory().map(device, h);
        dmas.memory().map(device, g);
        channel = device.channel(0);
        src = hostMem.address();
        dst = guestMem.address();
        flags = OpFlags.withHandles(0, DomainId.HOST.handle(), guest.handle());
    }

    /** Stops the device and frees the memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (channel.device().stats().errors() != 0) {
            throw new IllegalStateException("copies failed: " + channel.device().dump());
        }
        dmas.close();
        arena.close();
    }

    /** @return ops completed (consumed so the loop is not dead code) */
    @Benchmark
    @OperationsPerInvocation(CopyFixture.BURST)
    public int dmaChannel() {
        DmaChannel ch = channel;
        for (int i = 0; i < CopyFixture.BURST; i++) {
            long off = i * CopyFixture.STRIDE;
            ch.copy(src + off, dst + off, size, flags);
        }
        ch.submit();
        int done = 0;
        while (done < CopyFixture.BURST) {
            done += ch.completed(CopyFixture.BURST - done, info);
            if (info.hasError) {
                throw new IllegalStateException("copy failed at index " + info.lastIndex);
            }
            if (done < CopyFixture.BURST) {
                Thread.onSpinWait(); // polling an asynchronous engine: leave the core's other thread room
            }
        }
        return done;
    }
}
