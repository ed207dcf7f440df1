package io.vhostdma.config;

/**
 * A virtqueue of a port, named from the guest's view: {@code rxq<N>} is the guest's receive queue
 * (vhostd enqueues into it, vring {@code 2N}), {@code txq<N>} its transmit queue (vhostd dequeues from
 * it, vring {@code 2N + 1}).
 *
 * @param guestTx   true for {@code txq<N>}
 * @param queuePair N, 0..127
 */
public record QueueRef(boolean guestTx, int queuePair) {

    /** The vring index: {@code 2N} for rxq, {@code 2N + 1} for txq. */
    public int ringIndex() {
        return 2 * queuePair + (guestTx ? 1 : 0);
    }

    /** The queue for a vring index. */
    public static QueueRef ofRing(int ringIndex) {
        return new QueueRef((ringIndex & 1) == 1, ringIndex / 2);
    }

    /**
     * Parses {@code rxq<N>} / {@code txq<N>} (N decimal without sign or leading zeros, 0..127).
     *
     * @return the queue, or {@code null} when the text is not such a name
     */
    public static QueueRef parse(String text) {
        if (text == null || text.length() < 4 || !(text.startsWith("rxq") || text.startsWith("txq"))) {
            return null;
        }
        String digits = text.substring(3);
        if (digits.isEmpty() || digits.length() > 3 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return null;
            }
        }
        int n = Integer.parseInt(digits);
        return n > 127 ? null : new QueueRef(text.startsWith("txq"), n);
    }

    @Override
    public String toString() {
        return (guestTx ? "txq" : "rxq") + queuePair;
    }
}
