package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.internal.sys.Epoll;
import io.vhostdma.vhost.internal.sys.Errno;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.MessageBuffer;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.MessageHeaderLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The front end's end of the vhost-user socket, at message level and with no policy: send any
 * header/payload/fds, read whatever comes back, detect EOF. {@link ProtocolClient} builds the
 * checked request/reply exchanges on top; hostile-guest tests use this class directly to send
 * malformed messages. The socket is non-blocking and every wait is bounded through epoll.
 */
public final class RawChannel implements AutoCloseable {
    /** Largest payload this channel sends or accepts. */
    public static final int MAX_PAYLOAD = MessageHeaderLayout.MAX_PAYLOAD;
    private static final int HDR = MessageHeaderLayout.BYTES;
    private static final int[] NO_FDS = new int[0];
    private final int fd;
    private final MessageBuffer out = new MessageBuffer(HDR + MAX_PAYLOAD);
    private final MessageBuffer in = new MessageBuffer(HDR + MAX_PAYLOAD);
    private final Epoll epoll = new Epoll(1);
    private final int[] fdScratch = new int[MessageBuffer.MAX_FDS];
    private boolean closed;

    private RawChannel(int fd) {
        this.fd = fd;
        epoll.add(fd, Epoll.EPOLLIN, fd);
    }

    /** Connects to a back end listening at {@code path}. */
    public static RawChannel connect(Path path) {
        return new RawChannel(UnixSockets.connect(path, true));
    }

    /**
     * Listens at {@code path}, accepts one back end within {@code timeoutMillis}, then closes the
     * listening socket and removes the socket file.
     */
    public static RawChannel accept(Path path, long timeoutMillis) {
        int lfd = UnixSockets.listen(path, 1, 0600);
        try (Epoll wait = new Epoll(1)) {
            wait.add(lfd, Epoll.EPOLLIN, lfd);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int c = UnixSockets.accept(lfd);
                if (c >= 0) {
                    return new RawChannel(c);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new FrontendException("no back end connected: path=" + path + " timeoutMillis=" + timeoutMillis);
                }
                wait.await(millisCeil(left));
            }
        } finally {
            Fds.close(lfd);
            try {
                java.nio.file.Files.deleteIfExists(path);
            } catch (java.io.IOException ignored) {
                // a stale socket file is harmless: the next listen replaces it
            }
        }
    }

    /** The socket fd. */
    public int fd() {
        return fd;
    }

    /**
     * Sends one message: header {@code {request, flags, size}} followed by {@code payload[0, size)}
     * (payload may be null when size is 0), with {@code fds[0..fdCount)} attached.
     */
    public void sendMessage(int request, int flags, MemorySegment payload, int size, int[] fds, int fdCount) {
        if (size < 0 || size > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload size out of range: size=" + size + " max=" + MAX_PAYLOAD);
        }
        if (size > 0) {
            MemorySegment.copy(payload, 0, out.data(), HDR, size);
        }
        sendPrepared(request, flags, size, size, fds, fdCount);
    }

    /**
     * Sends a header claiming {@code claimedSize} payload bytes but only {@code actualBytes} of the
     * staged payload ({@link #stagingPayload()}): lets tests lie about sizes.
     */
    public void sendPrepared(int request, int flags, int claimedSize, int actualBytes, int[] fds, int fdCount) {
        MemorySegment d = out.data();
        d.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.REQUEST, request);
        d.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.FLAGS, flags);
        d.set(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.SIZE, claimedSize);
        long len = HDR + (long) actualBytes;
        int[] attach = fds == null ? NO_FDS : fds;
        long sent = 0;
        for (int tries = 0; sent < len && tries < 5000; tries++) {
            if (tries > 0) {
                waitWritable();
            }
            long r = trySend(sent, len, attach, fdCount);
            sent = r < 0 ? sent : r; // -EAGAIN: nothing more went out
        }
        if (sent != len) {
            throw new FrontendException("short send: request=" + request + " sent=" + sent + " len=" + len);
        }
    }

    private long trySend(long offset, long len, int[] attach, int fdCount) {
        try {
            return UnixSockets.sendFrom(fd, out, offset, len, attach, fdCount);
        } catch (SysException e) {
            if (e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) {
                throw new PeerClosedException("back end closed the connection: fd=" + fd + " errno=" + e.errno());
            }
            throw e;
        }
    }

    /** The payload area of the send buffer (offset 0 = first payload byte), for {@link #sendPrepared}. */
    public MemorySegment stagingPayload() {
        return out.data().asSlice(HDR, MAX_PAYLOAD);
    }

    private void waitWritable() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted while sending: fd=" + fd, e);
        }
    }

    /**
     * Reads one message within {@code timeoutNanos}. Returns null if nothing arrived; throws
     * {@link PeerClosedException} at EOF, {@link FrontendException} on a partial message or an
     * oversized payload.
     */
    public Reply readReply(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        int got = readSome(0, HDR, deadline, true);
        if (got == 0) {
            return null;
        }
        int fdCount = in.takeFds(fdScratch);
        int[] fds = java.util.Arrays.copyOf(fdScratch, fdCount);
        MemorySegment d = in.data();
        if (got < HDR) {
            readFully(got, HDR - got, deadline);
        }
        int request = d.get(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.REQUEST);
        int flags = d.get(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.FLAGS);
        int size = d.get(ValueLayout.JAVA_INT_UNALIGNED, MessageHeaderLayout.SIZE);
        if (size < 0 || size > MAX_PAYLOAD) {
            Fds.closeAll(fds, fds.length);
            throw new FrontendException("reply payload too large: request=" + request + " size=" + Integer.toUnsignedString(size));
        }
        readFully(HDR, size, deadline);
        byte[] payload = d.asSlice(HDR, size).toArray(ValueLayout.JAVA_BYTE);
        return new Reply(request, flags, size, payload, fds);
    }

    private void readFully(int offset, int len, long deadline) {
        int got = 0;
        while (got < len) {
            int r = readSome(offset + got, len - got, deadline, false);
            if (r == 0) {
                throw new FrontendException("timed out inside a message: fd=" + fd + " offset=" + (offset + got)
                        + " missing=" + (len - got));
            }
            got += r;
        }
    }

    /** One receive of up to len bytes; 0 on timeout; throws at EOF. */
    private int readSome(int offset, int len, long deadline, boolean header) {
        if (len == 0) {
            return 0;
        }
        while (true) {
            long r;
            try {
                r = UnixSockets.receive(fd, in, offset, len, false);
            } catch (SysException e) {
                throw new PeerClosedException("connection failed: fd=" + fd + " errno=" + e.errno());
            }
            if (r > 0) {
                if (!header) {
                    Fds.closeAll(fdScratch, in.takeFds(fdScratch));
                }
                return (int) r;
            }
            if (r == 0) {
                throw new PeerClosedException("back end closed the connection: fd=" + fd);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            epoll.await(millisCeil(left));
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for EOF and returns whether it came; bytes (and fds) that
     * arrive before it are read and discarded.
     */
    public boolean isPeerClosed(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long r;
            try {
                r = UnixSockets.receive(fd, in, 0, HDR + MAX_PAYLOAD, false);
            } catch (SysException e) {
                return true;
            }
            if (r == 0) {
                return true;
            }
            if (r > 0) {
                Fds.closeAll(fdScratch, in.takeFds(fdScratch));
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            epoll.await(millisCeil(left));
        }
    }

    static int millisCeil(long nanos) {
        long ms = (nanos + 999_999L) / 1_000_000L;
        return (int) Math.min(Math.max(ms, 1L), Integer.MAX_VALUE);
    }

    /** Closes the socket and frees the buffers. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        epoll.close();
        Fds.close(fd);
        out.close();
        in.close();
    }
}
