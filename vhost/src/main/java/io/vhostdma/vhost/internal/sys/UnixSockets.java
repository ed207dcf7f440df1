package io.vhostdma.vhost.internal.sys;

import io.vhostdma.vhost.transport.SocketFile;
import io.vhostdma.vhost.transport.SocketPathException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** AF_UNIX stream sockets: listen, accept, connect, socketpair, sendmsg/recvmsg with fds. */
public final class UnixSockets {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private UnixSockets() {
    }

    /**
     * Creates a non-blocking listening socket at {@code path} with file mode {@code fileMode} (e.g.
     * {@code 0600}); see {@link #listen(Path, int, int, String)}.
     */
    public static int listen(Path path, int backlog, int fileMode) {
        return listen(path, backlog, fileMode, null);
    }

    /**
     * Creates a non-blocking listening socket at {@code path}: removes a stale socket file first
     * (refusing a live socket or any other file, see {@link SocketFile#clearStale}), binds with the
     * socket's own mode already {@code fileMode} (fchmod before bind: the file never has wider bits,
     * whatever the umask), gives the file to {@code group} (null = leave vhostd's), sets the exact
     * mode, and only then listens: nobody can connect before the file has its final owner and mode.
     * bind never follows a symbolic link at {@code path}; chown and chmod do not either.
     *
     * <p>The socket is bound under a staging name beside {@code path} and hard-linked to {@code path}
     * only once it listens, so a front end that sees the file can connect at once (never "connection
     * refused" from a socket still being set up), and the link fails rather than replaces a file that
     * appeared meanwhile. When the staging name would not fit in {@code sun_path}, the socket is bound
     * at {@code path} itself.
     */
    public static int listen(Path path, int backlog, int fileMode, String group) {
        SocketFile.clearStale(path);
        Path staging = stagingPath(path);
        Path at = staging == null ? path : staging;
        int fd = socket(SOCK_NONBLOCK);
        boolean bound = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = SockaddrUnLayout.of(arena, at);
            if ((int) Libc.FCHMOD.invokeExact(Libc.state(), fd, fileMode) < 0) {
                throw Libc.fail("fchmod", "path=" + path + " mode=0" + Integer.toOctalString(fileMode));
            }
            if ((int) Libc.BIND.invokeExact(Libc.state(), fd, sa, (int) sa.byteSize()) < 0) {
                throw Libc.fail("bind", "path=" + at);
            }
            bound = true;
            if (group != null) {
                SocketFile.setGroup(at, group);
            }
            setModeNoFollow(at, fileMode); // bind applied the umask to the mode
            if ((int) Libc.LISTEN.invokeExact(Libc.state(), fd, backlog) < 0) {
                throw Libc.fail("listen", "path=" + path);
            }
            if (staging != null) {
                publish(staging, path);
            }
            return fd;
        } catch (Throwable t) {
            Fds.close(fd);
            if (bound) {
                removeQuietly(at); // ours: bind created it in a directory only vhostd writes
            }
            throw Libc.rethrow("listen", t);
        }
    }

    /**
     * Gives the listening socket bound at {@code staging} its real name {@code path} (a hard link, which
     * never replaces: a file that appeared at {@code path} meanwhile is refused as by {@link SocketFile#clearStale}),
     * then removes the staging name.
     */
    private static void publish(Path staging, Path path) {
        try {
            Files.createLink(path, staging);
        } catch (FileAlreadyExistsException e) {
            throw new SocketPathException(path, SocketFile.probe(path) == SocketFile.State.NOT_A_SOCKET
                    ? SocketPathException.Reason.NOT_A_SOCKET : SocketPathException.Reason.IN_USE,
                    "socket path taken while binding: path=" + path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot name the socket: path=" + path + " error=" + e.getMessage(), e);
        }
        removeQuietly(staging);
    }

    /** Removes {@code path} if it exists, ignoring a failure (cleaning up after a failed listen). */
    private static void removeQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next start finds a stale socket and removes it
        }
    }

    /** Sets the permission bits of {@code path} without following a symbolic link (fchmodat). */
    public static void setModeNoFollow(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path.toString());
            if ((int) Libc.FCHMODAT.invokeExact(Libc.state(), AT_FDCWD, cpath, mode, AT_SYMLINK_NOFOLLOW) < 0) {
                throw Libc.fail("fchmodat", "path=" + path + " mode=0" + Integer.toOctalString(mode));
            }
        } catch (Throwable t) {
            throw Libc.rethrow("fchmodat", t);
        }
    }

    /** A fresh name beside {@code path} to bind under until the socket listens, or null if it would not fit. */
    private static Path stagingPath(Path path) {
        Path name = Path.of(".vd" + Long.toHexString(System.nanoTime() & 0xFFFFFL) + ".tmp");
        Path dir = path.toAbsolutePath().getParent();
        Path staging = dir == null ? null : dir.resolve(name);
        return staging != null && SockaddrUnLayout.fits(staging) ? staging : null;
    }

    /**
     * One non-blocking connect to {@code path}, closed at once: 0 when it was accepted, else the
     * errno ({@code ECONNREFUSED}: nobody listens; {@code EAGAIN}: the backlog is full).
     */
    public static int tryConnect(Path path) {
        int fd = socket(SOCK_NONBLOCK);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = SockaddrUnLayout.of(arena, path);
            return (int) Libc.CONNECT.invokeExact(Libc.state(), fd, sa, (int) sa.byteSize()) < 0 ? Libc.errno() : 0;
        } catch (Throwable t) {
            throw Libc.rethrow("connect", t);
        } finally {
            Fds.close(fd);
        }
    }

    /** Accepts one connection as a non-blocking fd, or returns {@code -EAGAIN} if none is pending. */
    public static int accept(int listenFd) {
        try {
            int fd = (int) Libc.ACCEPT4.invokeExact(Libc.state(), listenFd, MemorySegment.NULL,
                    MemorySegment.NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                int e = Libc.errno();
                if (e == Errno.EAGAIN) {
                    return -Errno.EAGAIN;
                }
                throw new SysException("accept4", e, "fd=" + listenFd);
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("accept4", t);
        }
    }

    /**
     * Connects to the socket at {@code path}. The returned fd is blocking when {@code nonBlocking}
     * is false. Throws {@link SysException} (ENOENT, ECONNREFUSED, ...) when nobody listens.
     */
    public static int connect(Path path, boolean nonBlocking) {
        int fd = socket(0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = SockaddrUnLayout.of(arena, path);
            if ((int) Libc.CONNECT.invokeExact(Libc.state(), fd, sa, (int) sa.byteSize()) < 0) {
                throw Libc.fail("connect", "path=" + path);
            }
            if (nonBlocking) {
                Fds.setNonBlocking(fd);
            }
            return fd;
        } catch (Throwable t) {
            Fds.close(fd);
            throw Libc.rethrow("connect", t);
        }
    }

    /** A connected pair of blocking AF_UNIX stream sockets. */
    public static int[] socketPair() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = (int) Libc.SOCKETPAIR.invokeExact(Libc.state(), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair);
            if (r < 0) {
                throw Libc.fail("socketpair", "");
            }
            return new int[] {pair.get(ValueLayout.JAVA_INT, 0), pair.get(ValueLayout.JAVA_INT, 4)};
        } catch (Throwable t) {
            throw Libc.rethrow("socketpair", t);
        }
    }

    /**
     * Sends {@code buf.data()[0, len)} with {@code fds[0..fdCount)} attached (to the first sendmsg),
     * looping over partial writes. Returns {@code len}; on a non-blocking socket that fills up, the
     * bytes sent so far (resume with {@link #sendFrom} at that offset), or {@code -EAGAIN} if nothing
     * was sent.
     */
    public static long send(int fd, MessageBuffer buf, long len, int[] fds, int fdCount) {
        return sendFrom(fd, buf, 0, len, fds, fdCount);
    }

    /**
     * Sends {@code buf.data()[offset, len)}, looping over partial writes; {@code fds} go with the
     * first byte of the message only ({@code offset == 0}). Each sendmsg starts where the previous one
     * stopped (the iovec moves; no byte is copied or sent twice). Returns the offset reached
     * ({@code len} when done, less on a full non-blocking socket), or {@code -EAGAIN} if nothing was
     * sent.
     */
    public static long sendFrom(int fd, MessageBuffer buf, long offset, long len, int[] fds, int fdCount) {
        long sent = offset;
        try {
            while (sent < len) {
                buf.prepareSend(sent, len - sent, fds, sent == 0 ? fdCount : 0);
                long r = (long) Libc.SENDMSG.invokeExact(Libc.state(), fd, buf.msghdr(), MsgHdrLayout.MSG_NOSIGNAL);
                if (r < 0) {
                    int e = Libc.errno();
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    if (e == Errno.EAGAIN) {
                        return sent == offset ? -Errno.EAGAIN : sent;
                    }
                    throw new SysException("sendmsg", e, "fd=" + fd + " len=" + len + " offset=" + sent);
                }
                sent += r;
            }
            return sent;
        } catch (Throwable t) {
            throw Libc.rethrow("sendmsg", t);
        }
    }

    /**
     * One recvmsg of up to {@code len} bytes into {@code buf.data()[offset..]} with room for fds
     * (fetch them with {@link MessageBuffer#takeFds(int[])}). Returns bytes read, 0 at EOF, or
     * {@code -EAGAIN} on an empty non-blocking socket. Blocking sockets with {@code waitAll} read
     * exactly {@code len} bytes unless EOF or a signal intervenes.
     */
    public static long receive(int fd, MessageBuffer buf, long offset, long len, boolean waitAll) {
        buf.prepareReceive(offset, len);
        int flags = MsgHdrLayout.MSG_CMSG_CLOEXEC | (waitAll ? 0x100 /* MSG_WAITALL */ : 0);
        try {
            while (true) {
                long r = (long) Libc.RECVMSG.invokeExact(Libc.state(), fd, buf.msghdr(), flags);
                if (r >= 0) {
                    return r;
                }
                int e = Libc.errno();
                if (e == Errno.EINTR) {
                    continue;
                }
                if (e == Errno.EAGAIN) {
                    return -Errno.EAGAIN;
                }
                throw new SysException("recvmsg", e, "fd=" + fd + " len=" + len);
            }
        } catch (Throwable t) {
            throw Libc.rethrow("recvmsg", t);
        }
    }

    private static int socket(int extraFlags) {
        try {
            int fd = (int) Libc.SOCKET.invokeExact(Libc.state(), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | extraFlags, 0);
            if (fd < 0) {
                throw Libc.fail("socket", "domain=AF_UNIX");
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow("socket", t);
        }
    }
}
