package io.vhostdma.vhost.agent;

import io.vhostdma.vhost.internal.sys.Epoll;

/**
 * Where an agent sleeps: an epoll instance with a preallocated event buffer. Each watched fd carries a data word
 * that comes back with its events. {@link #await(int)} and {@link #data(int)} allocate nothing.
 */
public final class Poller implements AutoCloseable {
    private final Epoll epoll;

    /** A poller that reports at most {@code capacity} ready fds per {@link #await(int)}. */
    public Poller(int capacity) {
        this.epoll = new Epoll(capacity);
    }

    /**
     * Watches {@code fd} level-triggered: reported by every {@link #await(int)} while it is readable, so its owner
     * must drain it (a {@link Doorbell}'s fd).
     */
    public void watchReadable(int fd, long data) {
        epoll.add(fd, Epoll.EPOLLIN, data);
    }

    /**
     * Watches {@code fd} edge-triggered: one event per signal of the file (every eventfd write or kernel signal),
     * even while it stays readable, so the fd never has to be read (a front end's kick eventfd).
     */
    public void watchSignals(int fd, long data) {
        epoll.add(fd, Epoll.EPOLLIN | Epoll.EPOLLET, data);
    }

    /** Stops watching {@code fd}; an fd already closed or never watched is ignored. */
    public void unwatch(int fd) {
        epoll.remove(fd);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1 = forever); returns the number of ready fds, or 0 when the wait was
     * interrupted by a signal (the caller's loop simply waits again). Allocation-free.
     */
    public int await(int timeoutMillis) {
        return epoll.await(timeoutMillis);
    }

    /** The data word of ready fd {@code i} (below the count the last {@link #await(int)} returned). */
    public long data(int i) {
        return epoll.data(i);
    }

    /** Closes the epoll instance (the watched fds stay open: they are their owners'). */
    @Override
    public void close() {
        epoll.close();
    }
}
