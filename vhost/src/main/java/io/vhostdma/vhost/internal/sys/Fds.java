package io.vhostdma.vhost.internal.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** File-descriptor utilities: close, non-blocking mode, block size, seals, dmabuf test, open-fd count. */
public final class Fds {
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    /** {@code struct stat} on x86-64: 144 bytes, {@code st_blksize} (long) at offset 56. */
    private static final long STAT_SIZE = 144;
    private static final long STAT_BLKSIZE = 56;
    private static final long STAT_SIZE_FIELD = 48;
    private static final String DMABUF_LINK = "/dmabuf:";
    private static final String DMABUF_ANON_LINK = "anon_inode:dmabuf";

    private Fds() {
    }

    /** Closes {@code fd} if it is ≥ 0; errors (other than EINTR) are thrown. */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int r = (int) Libc.CLOSE.invokeExact(Libc.state(), fd);
            if (r < 0 && Libc.errno() != Errno.EINTR) {
                throw Libc.fail("close", "fd=" + fd);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("close", t);
        }
    }

    /**
     * Makes fd number {@code target} refer to {@code source}'s open file ({@code dup2}), closing what {@code target}
     * was. For fault-injection tests that swap a file under a number some other code holds.
     */
    public static void dup2(int source, int target) {
        try {
            if ((int) Libc.DUP2.invokeExact(Libc.state(), source, target) < 0) {
                throw Libc.fail("dup2", "fd=" + source + " target=" + target);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("dup2", t);
        }
    }

    /** Closes every fd in {@code fds[0..count)} that is ≥ 0, ignoring errors; sets each to -1. */
    public static void closeAll(int[] fds, int count) {
        for (int i = 0; i < count; i++) {
            if (fds[i] >= 0) {
                try {
                    close(fds[i]);
                } catch (SysException ignored) {
                    // already gone: nothing else to release
                }
                fds[i] = -1;
            }
        }
    }

    /** Puts {@code fd} into non-blocking mode. */
    public static void setNonBlocking(int fd) {
        setBlocking(fd, false);
    }

    /**
     * Sets or clears {@code O_NONBLOCK} on {@code fd}'s open file description (shared by every process holding
     * the same file: a peer can change it under us, which is why nothing here relies on it for a peer's fd).
     */
    public static void setBlocking(int fd, boolean blocking) {
        try {
            int flags = (int) Libc.FCNTL.invokeExact(Libc.state(), fd, F_GETFL, 0);
            if (flags < 0) {
                throw Libc.fail("fcntl", "fd=" + fd + " cmd=F_GETFL");
            }
            int next = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
            int r = (int) Libc.FCNTL.invokeExact(Libc.state(), fd, F_SETFL, next);
            if (r < 0) {
                throw Libc.fail("fcntl", "fd=" + fd + " cmd=F_SETFL");
            }
        } catch (Throwable t) {
            throw Libc.rethrow("fcntl", t);
        }
    }

    /** Whether {@code O_NONBLOCK} is set on {@code fd}'s open file description. */
    public static boolean isNonBlocking(int fd) {
        try {
            int flags = (int) Libc.FCNTL.invokeExact(Libc.state(), fd, F_GETFL, 0);
            if (flags < 0) {
                throw Libc.fail("fcntl", "fd=" + fd + " cmd=F_GETFL");
            }
            return (flags & O_NONBLOCK) != 0;
        } catch (Throwable t) {
            throw Libc.rethrow("fcntl", t);
        }
    }

    /**
     * What {@code fd} is, as its {@code /proc/self/fd} link names it ({@code anon_inode:[eventfd]},
     * {@code pipe:[1234]}, {@code /dev/null}, {@code /memfd:guest (deleted)}), or {@code "not open"}. For log
     * lines; control plane (allocates).
     */
    public static String describe(int fd) {
        if (fd < 0) {
            return "not open";
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "not open";
        }
    }

    /** Sets the size of the file behind {@code fd} ({@code ftruncate}). */
    public static void truncate(int fd, long size) {
        try {
            if ((int) Libc.FTRUNCATE.invokeExact(Libc.state(), fd, size) < 0) {
                throw Libc.fail("ftruncate", "fd=" + fd + " size=" + size);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("ftruncate", t);
        }
    }

    /** {@code st_blksize} of the file behind {@code fd}. */
    public static long blockSize(int fd) {
        return stat(fd, STAT_BLKSIZE);
    }

    /** {@code st_size} of the file behind {@code fd}. */
    public static long fileSize(int fd) {
        return stat(fd, STAT_SIZE_FIELD);
    }

    private static long stat(int fd, long field) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STAT_SIZE, 8);
            int r = (int) Libc.FSTAT.invokeExact(Libc.state(), fd, st);
            if (r < 0) {
                throw Libc.fail("fstat", "fd=" + fd);
            }
            return st.get(ValueLayout.JAVA_LONG, field);
        } catch (Throwable t) {
            throw Libc.rethrow("fstat", t);
        }
    }

    /**
     * The memfd seals of {@code fd} ({@code fcntl F_GET_SEALS}): a mask of {@code Memfd.F_SEAL_*} bits, {@code 0}
     * for a memfd without seals, or {@code -1} when the file does not support sealing (EINVAL: not a memfd, tmpfs or
     * hugetlbfs file — a socket, pipe, eventfd or dmabuf, for example).
     *
     * @throws SysException for any other failure (EBADF: {@code fd} is not open)
     */
    public static int seals(int fd) {
        try {
            int r = (int) Libc.FCNTL.invokeExact(Libc.state(), fd, Memfd.F_GET_SEALS, 0);
            if (r >= 0) {
                return r;
            }
            if (Libc.errno() == Errno.EINVAL) {
                return -1;
            }
            throw Libc.fail("fcntl", "fd=" + fd + " cmd=F_GET_SEALS");
        } catch (Throwable t) {
            throw Libc.rethrow("fcntl", t);
        }
    }

    /**
     * Whether {@code fd} is a dma-buf: its {@code /proc/self/fd} link names the dmabuf pseudo file system
     * ({@code /dmabuf:<name>}, or {@code anon_inode:dmabuf} on older kernels). False when {@code fd} is not
     * open. Control plane: allocates.
     */
    public static boolean isDmabuf(int fd) {
        if (fd < 0) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith(DMABUF_LINK) || target.startsWith(DMABUF_ANON_LINK);
        } catch (IOException e) {
            return false;
        }
    }

    /** Number of fds this process has open (entries of /proc/self/fd, less the listing's own). */
    public static int openCount() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd", e);
        }
    }

    /** Whether {@code fd} is open in this process. */
    public static boolean isOpen(int fd) {
        return fd >= 0 && Files.exists(Path.of("/proc/self/fd/" + fd));
    }
}
