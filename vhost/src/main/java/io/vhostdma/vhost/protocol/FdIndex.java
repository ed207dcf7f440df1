package io.vhostdma.vhost.protocol;

/**
 * Payload of SET_VRING_KICK, SET_VRING_CALL and SET_VRING_ERR: a u64 whose bits 0-7 are the ring
 * index and bit 8 (NOFD) says no fd is attached; every other bit must be 0. The fd, if any, is
 * taken from the message.
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
        return new FdIndex(index, noFd ? -1 : m.takeFd(0));
    }
}
