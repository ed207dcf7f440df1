package io.vhostdma.vhost.agent;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;

/**
 * An eventfd this process created (non-blocking, close-on-exec) and nobody else holds: producers {@link #ring()} it
 * to wake the agent that sleeps on it in its {@link Poller} ({@link Poller#watchReadable}); the agent
 * {@link #drain()}s it after waking. Both are allocation-free after a thread's first call and return codes; they
 * are direct {@code write}/{@code read} calls, safe only because no untrusted peer can re-flag this fd.
 */
public final class Doorbell implements AutoCloseable {
    private final int fd = EventFd.create();

    /** The eventfd, for {@link Poller#watchReadable}. */
    public int fd() {
        return fd;
    }

    /**
     * Adds 1 to the counter (wakes the sleeper). Returns 0, or -1 when the write failed (the counter is saturated:
     * the sleeper has a wake-up pending anyway).
     */
    public int ring() {
        return EventFd.signal(fd);
    }

    /** Takes the wake-ups that arrived: the counter's value, or -1 when there were none. */
    public long drain() {
        return EventFd.drain(fd);
    }

    /** Closes the eventfd. */
    @Override
    public void close() {
        Fds.close(fd);
    }
}
