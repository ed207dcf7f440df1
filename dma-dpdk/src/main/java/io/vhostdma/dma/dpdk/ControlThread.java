package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.vhostdma.dma.DmaException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one platform thread ({@code vhostd-dpdk-ctl}) on which every DPDK control call runs:
 * {@code rte_eal_init} (which re-pins its calling thread: a thread of our own, never a JVM or Vert.x
 * one, whose affinity is put back afterwards anyway), device configuration, memory registration and
 * device maps. One thread also makes {@code rte_errno} readable: it is a thread-local variable
 * ({@code per_lcore__rte_errno}), whose address {@code dlsym} gives for the calling thread, so it is
 * looked up on this thread once. Fast-path calls never come here: each channel's user thread makes them.
 */
final class ControlThread {
    private final ExecutorService executor;
    private final Thread thread;
    private MemorySegment errno; // this thread's rte_errno (looked up on this thread)

    ControlThread(DpdkLibrary lib) {
        Thread[] created = new Thread[1];
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("vhostd-dpdk-ctl").unstarted(r);
            created[0] = t;
            return t;
        });
        call(() -> {
            errno = lib.eal.find("per_lcore__rte_errno").orElseThrow().reinterpret(JAVA_INT.byteSize());
            return null;
        });
        thread = created[0];
    }

    /** @return whether the caller is the control thread */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** @return {@code rte_errno} of the control thread (call on it, right after the failed call) */
    int errno() {
        return errno.get(JAVA_INT, 0);
    }

    /**
     * Sets {@code rte_errno} to 0 (call on the control thread): some EAL calls return {@code -rte_errno}
     * even when they succeed ({@code rte_dev_iterator_init}), so a stale value would read as a failure.
     */
    void clearErrno() {
        errno.set(JAVA_INT, 0, 0);
    }

    /**
     * Runs {@code task} on the control thread and waits for it; its unchecked exceptions are rethrown.
     *
     * @param task the control call
     * @param <T>  its result type
     * @return its result
     */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            return run(task);
        }
        Future<T> f = executor.submit(() -> run(task));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DmaException.Busy("interrupted while waiting for the DPDK control thread");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw Dpdk.unexpected(cause);
        }
    }

    private static <T> T run(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
