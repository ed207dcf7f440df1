package io.vhostdma.bench.notify;

import io.vhostdma.vhost.agent.Doorbell;
import io.vhostdma.vhost.agent.GuestNotifier;
import io.vhostdma.vhost.agent.Poller;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Nanoseconds per guest notification. {@code write}: the critical {@code write(2)} of 1 the workers used before
 * (it blocks on a peer's saturated, blocking eventfd); {@code aioSingle}: one {@link GuestNotifier} signal per
 * {@code io_submit} (a cycle that notifies one ring); {@code aioBatch4}: four signals in one {@code io_submit}
 * (a cycle that notifies four rings). Each eventfd is watched by an epoll instance, so every signal runs the
 * kernel's wake-up path as a guest's irqfd or poller would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NotifyBenchmark {
    private static final int FDS = 4;
    private final Doorbell[] bells = new Doorbell[FDS];
    private final int[] fds = new int[FDS];
    private Poller watcher;
    private GuestNotifier notifier;

    /** Creates the eventfds, their watcher and the notifier. */
    @Setup(Level.Trial)
    public void setUp() {
        watcher = new Poller(FDS);
        for (int i = 0; i < FDS; i++) {
            bells[i] = new Doorbell();
            fds[i] = bells[i].fd();
            watcher.watchSignals(fds[i], i);
        }
        notifier = new GuestNotifier(FDS);
    }

    /** Empties the counters so they never approach saturation. */
    @Setup(Level.Iteration)
    public void drain() {
        for (Doorbell b : bells) {
            b.drain();
        }
    }

    /** Releases everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        notifier.close();
        watcher.close();
        for (Doorbell b : bells) {
            b.close();
        }
    }

    /** Before: one critical {@code write(2)} per signal. */
    @Benchmark
    public int write() {
        return bells[0].ring();
    }

    /** Now, one ring notified in a cycle: one signal, one {@code io_submit}. */
    @Benchmark
    public int aioSingle() {
        notifier.add(fds[0]);
        return notifier.submit();
    }

    /** Now, four rings notified in a cycle: four signals, one {@code io_submit}. */
    @Benchmark
    @OperationsPerInvocation(FDS)
    public int aioBatch4() {
        for (int fd : fds) {
            notifier.add(fd);
        }
        return notifier.submit();
    }
}
