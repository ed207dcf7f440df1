package io.vhostdma.vhost.protocol;

import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_VRING_ADDR ({@link VringAddrLayout}): the ring parts' front-end user addresses.
 * Only flag bit 0 (LOG) exists: used-ring writes are logged at {@code log} (the used ring's guest-physical
 * address) while LOG_ALL is negotiated.
 */
record VringAddr(int index, int flags, long desc, long used, long avail, long log) {
    static final int FLAG_LOG = 1;

    static VringAddr decode(Message m, int queuePairs) {
        m.expectSize(VringAddrLayout.BYTES).expectFds(0);
        var p = m.payload();
        int index = RingIndex.check(m.request(), p.get(ValueLayout.JAVA_INT_UNALIGNED, VringAddrLayout.INDEX),
                queuePairs);
        int flags = p.get(ValueLayout.JAVA_INT_UNALIGNED, VringAddrLayout.FLAGS);
        if ((flags & ~FLAG_LOG) != 0) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "unsupported ring flags: ring=" + index + " flags=0x" + Integer.toHexString(flags));
        }
        return new VringAddr(index, flags, p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.DESC),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.USED),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.AVAIL),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.LOG));
    }

    /** The used-ring log address while the LOG flag is set, else {@code DirtyLog.NO_ADDRESS}. */
    long usedLogAddress() {
        return (flags & FLAG_LOG) != 0 ? log : io.vhostdma.vhost.dirtylog.DirtyLog.NO_ADDRESS;
    }
}
