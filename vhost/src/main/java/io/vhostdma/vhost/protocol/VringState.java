package io.vhostdma.vhost.protocol;

import java.lang.foreign.ValueLayout;

/**
 * Payload of SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ENABLE and GET_VRING_BASE
 * ({@link VringStateLayout}): a ring index and a 32-bit value.
 */
record VringState(int index, int num) {
    static VringState decode(Message m, int queuePairs) {
        m.expectSize(VringStateLayout.BYTES).expectFds(0);
        int index = m.payload().get(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.INDEX);
        int num = m.payload().get(ValueLayout.JAVA_INT_UNALIGNED, VringStateLayout.NUM);
        return new VringState(RingIndex.check(m.request(), index, queuePairs), num);
    }
}
