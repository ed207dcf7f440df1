package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll instance with a preallocated event buffer. {@link #await(int)} allocates nothing; the
 * instance is used by one thread (its owner) except {@link #add}/{@link #remove}, which the kernel
 * makes safe from any thread.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x1;
    /**
     * Edge-triggered: an event for every wake-up of the file (every eventfd write or kernel signal), even while
     * the fd stays readable, so a watched eventfd never has to be read.
     */
    public static final int EPOLLET = 1 << 31;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int capacity;
    private final MemorySegment events;

    public Epoll(int capacity) {
        this.capacity = capacity;
        this.events = arena.allocate(EpollEventLayout.SIZE * capacity, 8);
        try {
            int r = (int) Libc.EPOLL_CREATE1.invokeExact(Libc.state(), EPOLL_CLOEXEC);
            if (r < 0) {
                arena.close();
                throw Libc.fail("epoll_create1", "");
            }
            this.fd = r;
        } catch (Throwable t) {
            throw Libc.rethrow("epoll_create1", t);
        }
    }

    /** Watches {@code target} for {@code events}; {@code data} comes back with each event. */
    public void add(int target, int eventMask, long data) {
        ctl(EPOLL_CTL_ADD, target, eventMask, data);
    }

    /** Changes the watched events or data of {@code target}. */
    public void modify(int target, int eventMask, long data) {
        ctl(EPOLL_CTL_MOD, target, eventMask, data);
    }

    /** Stops watching {@code target}; ignores ENOENT/EBADF (already gone). */
    public void remove(int target) {
        try {
            ctl(EPOLL_CTL_DEL, target, 0, 0);
        } catch (SysException e) {
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.EBADF) {
                throw e;
            }
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1 = forever); returns the number of ready events, or 0
     * when the wait failed (EINTR: a signal; the caller's loop simply waits again). Allocation-free.
     */
    public int await(int timeoutMillis) {
        try {
            int n = (int) Libc.EPOLL_WAIT_PLAIN.invokeExact(fd, events, capacity, timeoutMillis);
            return Math.max(n, 0);
        } catch (Throwable t) {
            throw Libc.rethrow("epoll_wait", t);
        }
    }

    /** The data word of ready event {@code i} of the last {@link #await(int)}. */
    public long data(int i) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EpollEventLayout.SIZE + EpollEventLayout.DATA);
    }

    /** The event mask of ready event {@code i} of the last {@link #await(int)}. */
    public int events(int i) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, i * EpollEventLayout.SIZE + EpollEventLayout.EVENTS);
    }

    private void ctl(int op, int target, int eventMask, long data) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment ev = local.allocate(EpollEventLayout.LAYOUT);
            ev.set(ValueLayout.JAVA_INT_UNALIGNED, EpollEventLayout.EVENTS, eventMask);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, EpollEventLayout.DATA, data);
            int r = (int) Libc.EPOLL_CTL.invokeExact(Libc.state(), fd, op, target, ev);
            if (r < 0) {
                throw Libc.fail("epoll_ctl", "epfd=" + fd + " op=" + op + " fd=" + target);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("epoll_ctl", t);
        }
    }

    @Override
    public void close() {
        Fds.close(fd);
        arena.close();
    }
}
