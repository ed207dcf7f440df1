package io.vhostdma.bench.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

/** Baseline: the same copies as {@link DmaCopyBenchmark} as a plain {@code MemorySegment.copy} loop. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PlainCopyBenchmark {
    @Param({"64", "1518"})
    int size;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;

    /** Allocates the buffers. */
    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        src = CopyFixture.buffer(arena);
        dst = CopyFixture.buffer(arena);
    }

    /** Frees the buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** {@link CopyFixture#BURST} copies; the score is copies per second. */
    @Benchmark
    @OperationsPerInvocation(CopyFixture.BURST)
    public void plainLoop() {
        for (int i = 0; i < CopyFixture.BURST; i++) {
            long off = i * CopyFixture.STRIDE;
            MemorySegment.copy(src, off, dst, off, size);
        }
    }
}
