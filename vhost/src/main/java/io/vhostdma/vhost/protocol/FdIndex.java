package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.internal.sys.EventFd;
import io.vhostdma.vhost.internal.sys.Fds;

/**
 * Payload of SET_VRING_KICK, SET_VRING_CALL and SET_VRING_ERR: a u64 whose bits 0-7 are the ring
 * index and bit 8 (NOFD) says no fd is attached; every other bit must be 0. The fd, if any, must be
 * an eventfd ({@link EventFd#isEventFd}: a pipe, socket, regular or FUSE file is refused before
 * anything uses it) and is then taken from the message.
 */
record FdIndex(int index, int fd) {
    static final long INDEX_MASK = 0xff;
    static final long NOFD = 0x100;

    static FdIndex decode(Message m, int queuePairs) {
        long v = m.u64();
        if ((v & ~(INDEX_MASK | NOFD)) != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "reserved bits set: value=0x" + Long.toHexString(v));
        }
        int index = RingIndex.check(m.request(), v & INDEX_MASK, queuePairs);
        boolean noFd = (v & NOFD) != 0;
        m.expectFds(noFd ? 0 : 1);
        if (!noFd && !EventFd.isEventFd(m.peekFd(0))) {
            throw new ProtocolException(ProtocolException.Kind.BAD_FDS, m.request(),
                    "notifier is not an eventfd: ring=" + index + " fd-kind=" + Fds.describe(m.peekFd(0)));
        }
        return new FdIndex(index, noFd ? -1 : m.takeFd(0));
    }
}
