package io.vhostdma.vhost.protocol;

/** The ring-index rule shared by every per-ring message: index &lt; 2 × queue pairs. */
final class RingIndex {
    private RingIndex() {
    }

    static int check(int request, long index, int queuePairs) {
        if (index < 0 || index >= 2L * queuePairs) {
            throw new ProtocolException(ProtocolException.Kind.BAD_RING_INDEX, request,
                    "ring index out of range: ring=" + index + " queue-pairs=" + queuePairs);
        }
        return (int) index;
    }
}
