package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.Fds;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One received request as a handler sees it: header fields, payload, and the fds that came with it.
 * The message owns its fds: a handler {@linkplain #takeFd(int) takes} the ones it keeps, and
 * {@link #closeUntakenFds()} closes the rest once the handler returned or failed.
 */
final class Message {
    private final int request;
    private final int flags;
    private final MemorySegment payload;
    private final int size;
    private final int[] fds;

    Message(int request, int flags, MemorySegment payload, int size, int[] fds, int fdCount) {
        this.request = request;
        this.flags = flags;
        this.payload = payload;
        this.size = size;
        this.fds = new int[fdCount];
        System.arraycopy(fds, 0, this.fds, 0, fdCount);
    }

    int request() {
        return request;
    }

    String name() {
        return Request.name(request);
    }

    boolean needReply() {
        return (flags & MessageHeaderLayout.FLAG_NEED_REPLY) != 0;
    }

    MemorySegment payload() {
        return payload;
    }

    int size() {
        return size;
    }

    int fdCount() {
        return fds.length;
    }

    /** Fd {@code i}, still owned by the message (closed with it unless taken). */
    int peekFd(int i) {
        return fds[i];
    }

    /** Takes ownership of fd {@code i}: the message will no longer close it. */
    int takeFd(int i) {
        int fd = fds[i];
        fds[i] = -1;
        return fd;
    }

    /** Fails unless the payload is exactly {@code expected} bytes. */
    Message expectSize(int expected) {
        if (size != expected) {
            throw new ProtocolException(ProtocolException.Kind.BAD_SIZE, request,
                    "wrong payload size: size=" + size + " expected=" + expected);
        }
        return this;
    }

    /** Fails unless exactly {@code expected} fds arrived. */
    Message expectFds(int expected) {
        if (fds.length != expected) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, request,
                    "wrong fd count: fds=" + fds.length + " expected=" + expected);
        }
        return this;
    }

    /** The payload as one u64, after checking its size. */
    long u64() {
        expectSize(8);
        return payload.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    void closeUntakenFds() {
        Fds.closeAll(fds, fds.length);
    }
}
