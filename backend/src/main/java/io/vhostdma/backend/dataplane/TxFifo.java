package io.vhostdma.backend.dataplane;

/**
 * The chains a guest TX ring handed us and we have not returned yet, in the order we popped them.
 * A chain may be returned only once every copy that reads it finished: each such copy holds a
 * reference on the chain's record, and a staging copy (guest → host buffer on the TX ring's own
 * channel) marks the record pending until it completes. Chains are returned to the used ring strictly
 * in order ({@link Worker} calls {@link #retire}); worker-local, no synchronisation.
 *
 * <p>The fast path of a synchronous ring never stores anything: a record opened and closed with no
 * reference while the FIFO is empty is returned at once.
 */
final class TxFifo {
    private final int[] heads;
    private final int[] refs;
    private final boolean[] staging;
    private final int mask;
    private long head;
    private long tail;

    /** @param capacity most chains outstanding (the ring size; a power of two) */
    TxFifo(int capacity) {
        int cap = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        heads = new int[cap];
        refs = new int[cap];
        staging = new boolean[cap];
        mask = cap - 1;
    }

    /** Whether a chain can be taken: the FIFO has room. */
    boolean hasRoom() {
        return tail - head <= mask;
    }

    /** Opens a record for the chain {@code chainHead}; returns its slot. */
    int open(int chainHead) {
        int slot = (int) (tail & mask);
        heads[slot] = chainHead;
        refs[slot] = 0;
        staging[slot] = false;
        tail++;
        return slot;
    }

    /** A copy reading the chain was submitted. */
    void ref(int slot) {
        refs[slot]++;
    }

    /** A copy reading the chain finished (or failed). */
    void unref(int slot) {
        refs[slot]--;
    }

    /** The chain is being staged into a host buffer by the ring's own channel. */
    void staging(int slot, boolean pending) {
        staging[slot] = pending;
    }

    /** Records opened so far (a running count: a caller compares it to see whether a chain got its record). */
    long opened() {
        return tail;
    }

    /** Records not yet returned. */
    int outstanding() {
        return (int) (tail - head);
    }

    /**
     * Returns every finished chain at the head, in order, through {@code ring} (used len 0).
     *
     * @return chains returned
     */
    int retire(RingContext ring) {
        int n = 0;
        while (head < tail) {
            int slot = (int) (head & mask);
            if (refs[slot] != 0 || staging[slot]) {
                break;
            }
            ring.returnTxChain(heads[slot]);
            head++;
            n++;
        }
        return n;
    }
}
