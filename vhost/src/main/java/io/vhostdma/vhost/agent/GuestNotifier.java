package io.vhostdma.vhost.agent;

import io.vhostdma.vhost.internal.sys.AioNotifier;

/**
 * Signals eventfds that belong to an untrusted front end (its call and err fds) in batches, so that nothing the
 * peer does to them can block the agent: each signal is a Linux AIO request whose completion the kernel signals on
 * the eventfd ({@code IOCB_FLAG_RESFD}; it never sleeps and ignores {@code O_NONBLOCK}), and a batch is one
 * {@code io_submit}.
 *
 * <p>Use: {@link #add(int)} each fd to signal, then one {@link #submit()} for the batch; {@link #failed(int)} then
 * tells which signals the kernel refused (the caller counts them as dropped). Owned by one thread; allocation-free
 * after construction.
 */
public final class GuestNotifier implements AutoCloseable {
    private final AioNotifier aio;

    /**
     * A notifier for batches of up to {@code capacity} signals.
     *
     * @throws RuntimeException naming {@code io_setup} and its errno when the kernel offers no AIO context (no
     *                          CONFIG_AIO, or {@code fs.aio-max-nr} used up)
     */
    public GuestNotifier(int capacity) {
        this.aio = new AioNotifier(capacity);
    }

    /** Signals queued and not yet submitted. */
    public int count() {
        return aio.count();
    }

    /** Most signals one batch holds. */
    public int capacity() {
        return aio.capacity();
    }

    /** Queues a signal of eventfd {@code fd}; returns its index in the batch, or -1 when the batch is full. */
    public int add(int fd) {
        return aio.add(fd);
    }

    /**
     * Submits the queued signals (never blocks on the signalled fds) and empties the queue; returns how many there
     * were. {@link #failed(int)} is valid for indexes below that count until the next {@link #add(int)}.
     */
    public int submit() {
        return aio.submit();
    }

    /** Whether signal {@code index} of the last {@link #submit()} was refused by the kernel (dropped). */
    public boolean failed(int index) {
        return aio.failed(index);
    }

    /** Destroys the AIO context. */
    @Override
    public void close() {
        aio.close();
    }
}
