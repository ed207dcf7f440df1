package io.vhostdma.bench.notify;

import io.vhostdma.vhost.internal.sys.AioNotifier;
import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;
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
 * (it blocks on a peer's saturated, blocking eventfd); {@code aioSingle}: one {@link AioNotifier} signal per
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
    private final int[] fds = new int[FDS];
    private Epoll watcher;
    private AioNotifier notifier;

    /** Creates the eventfds, their watcher and the notifier. */
    @Setup(Level.Trial)
    public void setUp() {
        watcher = new Epoll(FDS);
        for (int i = 0; i < FDS; i++) {
            fds[i] = EventFd.create();
            watcher.add(fds[i], Epoll.EPOLLIN | Epoll.EPOLLET, i);
        }
        notifier = new AioNotifier(FDS);
    }

    /** Empties the counters so they never approach saturation. */
    @Setup(Level.Iteration)
    public void drain() {
        for (int fd : fds) {
            EventFd.drain(fd);
        }
    }

    /** Releases everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        notifier.close();
        watcher.close();
        for (int fd : fds) {
            Fds.close(fd);
        }
    }

    /** Before: one critical {@code write(2)} per signal. */
    @Benchmark
    public int write() {
        return EventFd.signal(fds[0]);
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
