package io.vhostdma.vhost.protocol;

import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_VRING_ADDR ({@link VringAddrLayout}): the ring parts' front-end user addresses.
 * Only flag bit 0 (LOG) exists, and it is legal only with LOG_ALL negotiated, which we never offer.
 */
record VringAddr(int index, int flags, long desc, long used, long avail, long log) {
    static final int FLAG_LOG = 1;

    static VringAddr decode(Message m, int queuePairs) {
        m.expectSize(VringAddrLayout.BYTES).expectFds(0);
        var p = m.payload();
        int index = RingIndex.check(m.request(), p.get(ValueLayout.JAVA_INT_UNALIGNED, VringAddrLayout.INDEX),
                queuePairs);
        int flags = p.get(ValueLayout.JAVA_INT_UNALIGNED, VringAddrLayout.FLAGS);
        if (flags != 0) {
            throw new ProtocolException(flags == FLAG_LOG ? ProtocolException.Kind.NOT_NEGOTIATED
                    : ProtocolException.Kind.BAD_VALUE, m.request(),
                    "unsupported ring flags (logging not offered): ring=" + index + " flags=0x"
                            + Integer.toHexString(flags));
        }
        return new VringAddr(index, flags, p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.DESC),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.USED),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.AVAIL),
                p.get(ValueLayout.JAVA_LONG_UNALIGNED, VringAddrLayout.LOG));
    }
}
