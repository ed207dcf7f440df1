package io.vhostdma.backend.dataplane;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * The reactive side's wake-up ({@link WakeSignal}): a worker publishes (a release store, like a tap's tail) and
 * signals; the waiting party arms and re-checks. A lost wake-up — no pending signal and the re-check saw nothing,
 * so the receiver would sleep on a published frame — must never happen.
 */
@JCStressTest
@Description("WakeSignal: publish + signal (fence, read armed) vs. arm (store, fence) + re-check")
@Outcome(id = "false, false", expect = Expect.FORBIDDEN, desc = "lost wake-up: the party sleeps on published work")
@Outcome(id = "true, false", expect = Expect.ACCEPTABLE, desc = "the party sleeps, the worker's signal wakes it")
@Outcome(id = "false, true", expect = Expect.ACCEPTABLE, desc = "the re-check sees the work, no signal needed")
@Outcome(id = "true, true", expect = Expect.ACCEPTABLE_INTERESTING, desc = "both saw each other (a spurious wake-up)")
@State
public class WakeSignalStress {
    private static final java.lang.invoke.VarHandle TAIL;

    static {
        try {
            TAIL = java.lang.invoke.MethodHandles.lookup().findVarHandle(WakeSignalStress.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through TAIL
    private long tail;
    private final WakeSignal signal = new WakeSignal(Thread.currentThread());

    @Actor
    public void worker(ZZ_Result r) {
        TAIL.setRelease(this, 1L);
        signal.signal();
    }

    @Actor
    public void party(ZZ_Result r) {
        signal.arm();
        r.r2 = (long) TAIL.getAcquire(this) != 0;
        if (r.r2) {
            signal.disarm();
        }
    }

    @org.openjdk.jcstress.annotations.Arbiter
    public void pending(ZZ_Result r) {
        r.r1 = signal.takePending();
    }
}
