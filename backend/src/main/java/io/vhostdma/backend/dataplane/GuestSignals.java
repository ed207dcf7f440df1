package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.agent.GuestNotifier;

/**
 * One worker's guest notifications of a duty cycle: each signal of a front end's call or err eventfd is queued and
 * the whole batch goes to the kernel in one {@code io_submit} ({@link GuestNotifier}: the kernel signals the eventfd,
 * so a front end's eventfd never blocks the worker); each signal the kernel refused is counted
 * {@code notify_dropped} on its queue. Worker-local; allocates nothing per signal.
 */
final class GuestSignals implements AutoCloseable {
    /** Signals submitted in one system call (a fuller cycle submits more than one batch). */
    private static final int BATCH = 64;

    private final GuestNotifier notifier = new GuestNotifier(BATCH);
    private final QueueCounters[] counters = new QueueCounters[BATCH];

    /** Queues a signal of eventfd {@code fd}; a refusal is counted on {@code queue}. */
    void signal(int fd, QueueCounters queue) {
        int i = notifier.add(fd);
        if (i < 0) {
            flush();
            i = notifier.add(fd);
        }
        counters[i] = queue;
    }

    /** After ring {@code r}'s used index was published: signals its guest if the ring says the driver wants it. */
    void notifyIfWanted(OwnedRing r) {
        if (r.queue.needsNotification()) {
            int fd = r.callFd();
            if (fd >= 0) {
                signal(fd, r.counters);
            }
        }
    }

    /** Submits the queued signals. */
    void flush() {
        if (notifier.count() == 0) {
            return;
        }
        int n = notifier.submit();
        for (int i = 0; i < n; i++) {
            if (notifier.failed(i)) {
                counters[i].countNotifyDropped();
            }
            counters[i] = null;
        }
    }

    @Override
    public void close() {
        notifier.close();
    }
}
