package io.vhostdma.vhost.transport;

import io.vhostdma.vhost.internal.sys.Errno;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * The file of a listening Unix socket: what is at a path before binding, and its mode and group set
 * without following a symbolic link. vhostd binds only in directories nobody else may write (the
 * daemon checks that), so no other user can swap the entry between these steps.
 */
public final class SocketFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /** What a path holds. */
    public enum State {
        /** Nothing: the path is free. */
        ABSENT,
        /** A socket nobody listens on (its process died): safe to remove. */
        STALE,
        /** A socket a process accepts connections on. */
        LIVE,
        /** Anything that is not a socket, a symbolic link included. */
        NOT_A_SOCKET
    }

    private SocketFile() {
    }

    /**
     * What is at {@code path}, without following a symbolic link. A socket is probed with a
     * non-blocking connect: refused means nobody listens; accepted or a full backlog means live.
     */
    public static State probe(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return State.ABSENT;
        } catch (IOException e) {
            throw new IllegalStateException("cannot inspect socket path: path=" + path + " error=" + e.getMessage(), e);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            return State.NOT_A_SOCKET;
        }
        int errno = UnixSockets.tryConnect(path);
        return errno == Errno.ECONNREFUSED ? State.STALE : errno == Errno.ENOENT ? State.ABSENT : State.LIVE;
    }

    /**
     * Makes {@code path} free for a bind: removes a stale socket, refuses a live one or anything else.
     *
     * @throws SocketPathException IN_USE or NOT_A_SOCKET
     */
    public static void clearStale(Path path) {
        switch (probe(path)) {
            case ABSENT -> { }
            case STALE -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot remove stale socket: path=" + path + " error="
                            + e.getMessage(), e);
                }
            }
            case LIVE -> throw new SocketPathException(path, SocketPathException.Reason.IN_USE,
                    "socket in use: a process listens on it: path=" + path);
            case NOT_A_SOCKET -> throw new SocketPathException(path, SocketPathException.Reason.NOT_A_SOCKET,
                    "refusing to replace a file that is not a socket: path=" + path);
        }
    }

    /** Sets the permission bits of {@code path} without following a symbolic link (fchmodat). */
    public static void setMode(Path path, int mode) {
        UnixSockets.setModeNoFollow(path, mode);
    }

    /**
     * Gives {@code path} to group {@code group} without following a symbolic link (lchown). vhostd
     * must be root or a member of the group.
     */
    public static void setGroup(Path path, String group) {
        try {
            GroupPrincipal g = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
        } catch (IOException e) {
            throw new IllegalStateException("cannot give socket to group=" + group + ": path=" + path + " error="
                    + e.getMessage(), e);
        }
    }
}
