package io.vhostdma.backend.dataplane;

import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * How hand-off and send-ring slots cross threads: one side writes a reused slot's plain fields and offers it on a
 * JCTools SPSC queue, the other polls it and reads them (the queue's release store of the element pairs with the
 * poll's acquire load). A slot polled with stale fields must never be seen; here the slot has carried an earlier
 * frame (length 1, port 1), as a reused slot always has.
 */
@JCStressTest
@Description("a reused slot's plain fields, written before the offer, are seen after the poll")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "nothing polled yet")
@Outcome(id = "1, 300, 7", expect = Expect.ACCEPTABLE, desc = "the slot with the fields written before the offer")
@Outcome(expect = Expect.FORBIDDEN, desc = "a slot seen with stale fields")
@State
public class HandoffSlotStress {
    /** The slot's fields as a frame's producer writes them (length, destination port). */
    static final class Slot {
        int length = 1;
        int port = 1;
    }

    private final SpscVarHandleArrayQueue<Slot> queue = new SpscVarHandleArrayQueue<>(4);
    private final Slot slot = new Slot();

    @Actor
    public void giver() {
        slot.length = 300;
        slot.port = 7;
        queue.offer(slot);
    }

    @Actor
    public void receiver(III_Result r) {
        Slot s = queue.poll();
        if (s != null) {
            r.r1 = 1;
            r.r2 = s.length;
            r.r3 = s.port;
        }
    }
}
