package io.vhostdma.backend.dataplane;

/**
 * The rings whose used ring changed in this duty cycle and the send-ring slots whose frames became final: a ring
 * that completes work adds itself ({@link #add}); the worker publishes every listed ring once per burst (one
 * release store of its used index and one notification decision each) and only then hands the listed slots back
 * to their producer, so a sender learns a frame's fate only after the guest can see it. Worker-local.
 */
final class DirtyList {
    private final OwnedRing[] rings = new OwnedRing[OwnedRings.MAX_RINGS];
    private int count;
    private Injector.Slot[] afterPublish = new Injector.Slot[Injector.ALL_SLOTS];
    private int afterCount;

    /** Ring {@code r} added used elements (or returned chains): published at the end of the cycle. */
    void add(OwnedRing r) {
        if (!r.dirty) {
            r.dirty = true;
            rings[count++] = r;
        }
    }

    /** The next ring to publish (removed from the list), or null. */
    OwnedRing poll() {
        if (count == 0) {
            return null;
        }
        OwnedRing r = rings[--count];
        rings[count] = null;
        r.dirty = false;
        return r;
    }

    /** A send-ring slot whose frame is final: given back once the rings are published. */
    void afterPublish(Injector.Slot slot) {
        if (afterCount == afterPublish.length) {
            afterPublish = java.util.Arrays.copyOf(afterPublish, 2 * afterCount); // several ports' senders at once
        }
        afterPublish[afterCount++] = slot;
    }

    /** After publishing: gives every final send-ring slot back to its producer. */
    void returnSlots() {
        for (int i = 0; i < afterCount; i++) {
            afterPublish[i].giveBack();
        }
        for (int i = 0; i < afterCount; i++) { // then wake each sender once (its slots are next to each other)
            if (i == 0 || afterPublish[i].injector() != afterPublish[i - 1].injector()) {
                afterPublish[i].signalProducer();
            }
        }
        for (int i = 0; i < afterCount; i++) {
            afterPublish[i] = null;
        }
        afterCount = 0;
    }

    boolean isEmpty() {
        return count == 0 && afterCount == 0;
    }
}
