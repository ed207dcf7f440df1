package io.vhostdma.backend.dataplane;

import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * The worker's sleep/wake hand-shake ({@link Wakeup}) with a producer that publishes into one of its queues: the
 * producer offers and wakes; the worker announces it is about to sleep and re-checks the queue. A lost wake-up —
 * the producer saw no sleeper and the sleeper saw no work, so it would sleep with work queued — must never happen.
 */
@JCStressTest
@Description("Wakeup: publish + fence + read sleeping vs. write sleeping + fence + re-check (a Dekker pair)")
@Outcome(id = "false, false", expect = Expect.FORBIDDEN, desc = "lost wake-up: the worker sleeps on queued work")
@Outcome(id = "true, false", expect = Expect.ACCEPTABLE, desc = "the worker sleeps, the producer wakes it")
@Outcome(id = "false, true", expect = Expect.ACCEPTABLE, desc = "the worker sees the work and stays awake")
@Outcome(id = "true, true", expect = Expect.ACCEPTABLE_INTERESTING, desc = "both saw each other (a spurious wake-up)")
@State
public class WakeupStress {
    private final SpscVarHandleArrayQueue<Object> queue = new SpscVarHandleArrayQueue<>(4);
    private volatile boolean signalled;
    private final Wakeup wakeup = new Wakeup(() -> signalled = true);

    @Actor
    public void producer(ZZ_Result r) {
        queue.offer(this);
        wakeup.wake();
        r.r1 = signalled;
    }

    @Actor
    public void sleeper(ZZ_Result r) {
        wakeup.announce();
        r.r2 = !queue.isEmpty();
        if (r.r2) {
            wakeup.done();
        }
    }
}
