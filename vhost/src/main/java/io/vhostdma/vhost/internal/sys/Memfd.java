package io.vhostdma.vhost.internal.sys;

import java.lang.foreign.Arena;

/**
 * Anonymous shared-memory files ({@code memfd_create}) and their seals ({@code fcntl F_ADD_SEALS}).
 * Every memfd made here allows sealing, so a plain one reports seals {@code 0} and can be sealed later.
 */
public final class Memfd {
    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;
    /** linux/fcntl.h: no further seals may be added. */
    public static final int F_SEAL_SEAL = 0x1;
    /** linux/fcntl.h: the file may not shrink (udmabuf requires it). */
    public static final int F_SEAL_SHRINK = 0x2;
    /** linux/fcntl.h: the file may not grow. */
    public static final int F_SEAL_GROW = 0x4;
    /** linux/fcntl.h: no writes at all (udmabuf refuses it). */
    public static final int F_SEAL_WRITE = 0x8;
    /** linux/fcntl.h: no new writable mappings (udmabuf refuses it on recent kernels). */
    public static final int F_SEAL_FUTURE_WRITE = 0x10;
    /** linux/fcntl.h: F_LINUX_SPECIFIC_BASE (1024) + 9. */
    static final int F_ADD_SEALS = 1033;
    /** linux/fcntl.h: F_LINUX_SPECIFIC_BASE (1024) + 10. */
    static final int F_GET_SEALS = 1034;

    private Memfd() {
    }

    /** Creates a memfd of {@code size} bytes (sparse), unsealed, and returns its fd. */
    public static int create(String name, long size) {
        int fd = open(name);
        try {
            truncate(fd, size);
            return fd;
        } catch (RuntimeException e) {
            Fds.close(fd);
            throw e;
        }
    }

    /**
     * Creates a memfd of {@code size} bytes sealed with {@code F_SEAL_SHRINK | F_SEAL_GROW}: its size is
     * fixed, its contents stay writable and mappable read/write, and {@code /dev/udmabuf} accepts it.
     */
    public static int createSealed(String name, long size) {
        int fd = open(name);
        try {
            truncate(fd, size);
            addSeals(fd, F_SEAL_SHRINK | F_SEAL_GROW);
            return fd;
        } catch (RuntimeException e) {
            Fds.close(fd);
            throw e;
        }
    }

    /** Adds {@code seals} ({@code F_SEAL_*} bits) to the memfd {@code fd}. */
    public static void addSeals(int fd, int seals) {
        try {
            if ((int) Libc.FCNTL.invokeExact(Libc.state(), fd, F_ADD_SEALS, seals) < 0) {
                throw Libc.fail("fcntl", "fd=" + fd + " cmd=F_ADD_SEALS seals=0x" + Integer.toHexString(seals));
            }
        } catch (Throwable t) {
            throw Libc.rethrow("fcntl", t);
        }
    }

    private static int open(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.MEMFD_CREATE.invokeExact(Libc.state(), arena.allocateFrom(name),
                    MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (fd < 0) {
                throw Libc.fail("memfd_create", "name=" + name);
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("memfd_create", t);
        }
    }

    private static void truncate(int fd, long size) {
        Fds.truncate(fd, size);
    }
}
