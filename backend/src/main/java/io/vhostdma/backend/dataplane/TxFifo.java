package io.vhostdma.backend.dataplane;

/**
 * The chains a guest TX ring handed us and we have not returned yet, in the order we popped them: one
 * {@link Record} per chain, a {@link Hold} whose count is the taker's claim plus one per copy, hand-off or loan
 * still reading the chain. Chains go back to the used ring (len 0) strictly in pop order, each once its record is
 * no longer held ({@link #retire}). Worker-local, no synchronisation; the records are allocated once.
 */
final class TxFifo {
    private final Record[] records;
    private final int mask;
    private final TxRing ring;
    private long head;
    private long tail;

    /** @param capacity most chains outstanding (the ring size; rounded up to a power of two) */
    TxFifo(TxRing ring, int capacity) {
        int cap = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.ring = ring;
        this.records = new Record[cap];
        for (int i = 0; i < cap; i++) {
            records[i] = new Record();
        }
        this.mask = cap - 1;
    }

    /** Whether a chain can be taken: the FIFO has room. */
    boolean hasRoom() {
        return tail - head <= mask;
    }

    /** Opens the record of chain {@code id}, held once by the taker. */
    Record open(int id) {
        Record r = records[(int) (tail & mask)];
        r.id = id;
        r.holds = 1;
        tail++;
        return r;
    }

    /** Takes back the record just {@link #open}ed (its chain went back into the avail ring untouched). */
    void unopen() {
        tail--;
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
     * Returns every chain at the head whose record is no longer held, in order (used len 0; only forgotten once the
     * ring stopped). Marks the ring dirty when one went back.
     *
     * @return chains returned
     */
    int retire(DirtyList dirty) {
        int n = 0;
        while (head < tail) {
            Record r = records[(int) (head & mask)];
            if (r.holds != 0) {
                break;
            }
            ring.returnChain(r.id);
            head++;
            n++;
        }
        if (n > 0 && dirty != null) {
            dirty.add(ring);
        }
        return n;
    }

    /** One taken chain: its id and how many still hold it. */
    final class Record extends Hold {
        int id;

        @Override
        void lastReleased(DirtyList dirty) {
            retire(dirty);
        }

        /** The ring whose chain this is. */
        TxRing ring() {
            return ring;
        }
    }
}
