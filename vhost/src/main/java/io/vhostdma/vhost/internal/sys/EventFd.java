package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * eventfd notifiers (vhost-user kick/call/err). {@link #signal(int)} and {@link #drain(int)} are
 * hot-path safe: they allocate nothing after the calling thread's first call and return negative
 * errno values instead of throwing. They are {@code critical} downcalls, for eventfds this process
 * created non-blocking and no untrusted peer can re-flag; a peer's eventfd is signalled through
 * {@link AioNotifier} and never read. {@link #isEventFd(int)} checks what a peer handed over.
 */
public final class EventFd {
    /** The {@code /proc/self/fd} link of every eventfd. */
    private static final String LINK = "anon_inode:[eventfd]";
    /** The line only an eventfd's {@code /proc/self/fdinfo} entry has (fs/eventfd.c, eventfd_show_fdinfo). */
    private static final String FDINFO_COUNT = "eventfd-count:";
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.global().allocate(ValueLayout.JAVA_LONG));

    private EventFd() {
    }

    /** Creates a non-blocking eventfd with counter 0. */
    public static int create() {
        try {
            int fd = (int) Libc.EVENTFD.invokeExact(Libc.state(), 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                throw Libc.fail("eventfd", "");
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("eventfd", t);
        }
    }

    /**
     * Adds 1 to the counter (wakes a waiter). Returns 0, or -1 when the write failed (the counter is
     * saturated — the waiter has a wake-up pending anyway — or the fd is not an eventfd).
     */
    public static int signal(int fd) {
        MemorySegment one = SCRATCH.get();
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        try {
            long r = (long) Libc.WRITE_FAST.invokeExact(fd, one, 8L);
            return r == 8 ? 0 : -1;
        } catch (Throwable t) {
            throw Libc.rethrow("write", t);
        }
    }

    /** Reads and resets the counter: its value, or -1 when it was 0 (EAGAIN) or the read failed. */
    public static long drain(int fd) {
        MemorySegment value = SCRATCH.get();
        try {
            long r = (long) Libc.READ_FAST.invokeExact(fd, value, 8L);
            return r == 8 ? value.get(ValueLayout.JAVA_LONG, 0) : -1;
        } catch (Throwable t) {
            throw Libc.rethrow("read", t);
        }
    }

    /**
     * Whether {@code fd} is an eventfd: its {@code /proc/self/fd} link is {@code anon_inode:[eventfd]} and its
     * {@code /proc/self/fdinfo} entry carries the eventfd's counter (only eventfd's own fdinfo hook prints it).
     * Neither read reaches into the file's file system (no {@code fstat}), so a peer's FUSE file cannot stall
     * the check. Control plane: allocates.
     */
    public static boolean isEventFd(int fd) {
        return LINK.equals(Fds.describe(fd)) && fdinfoCount(fd) != null;
    }

    /**
     * Adds {@code value} to the counter with a plain {@code write} (errno-capturing, not critical): for a test
     * playing a hostile peer on its own eventfd. Blocks like write(2) would.
     */
    public static void add(int fd, long value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
            v.set(ValueLayout.JAVA_LONG, 0, value);
            long r = (long) Libc.WRITE.invokeExact(Libc.state(), fd, v, 8L);
            if (r != 8) {
                throw Libc.fail("write", "eventfd=" + fd + " value=0x" + Long.toHexString(value));
            }
        } catch (Throwable t) {
            throw Libc.rethrow("write", t);
        }
    }

    /**
     * The counter of eventfd {@code fd} (unsigned 64 bits) as {@code /proc/self/fdinfo} shows it, without reading
     * (and so without resetting, or blocking on) it. Control plane and tests.
     *
     * @throws IllegalArgumentException when {@code fd} is not an open eventfd
     */
    public static long peekCount(int fd) {
        String hex = fdinfoCount(fd);
        if (hex == null) {
            throw new IllegalArgumentException("not an open eventfd: fd=" + fd + " is " + Fds.describe(fd));
        }
        return Long.parseUnsignedLong(hex, 16);
    }

    /** The hex counter from {@code fd}'s fdinfo entry, or null when it has none (not an eventfd, not open). */
    private static String fdinfoCount(int fd) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith(FDINFO_COUNT)) {
                    return line.substring(FDINFO_COUNT.length()).trim();
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }
}
