package io.vhostdma.backend.dataplane;

import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two revokers at once: the receiver's end ({@code TapSource.endLending}: {@link PacketTap#revoke}, then every
 * position freed) while the worker reclaims and its ring stops ({@link PacketTap#reclaim}, then
 * {@link PacketTap#revokeAll}). Whichever order: the chain goes back exactly once (returned by the reclaim or by the
 * revoke), the window the receiver read from before is closed, and a fresh window stays open for later frames.
 */
@JCStressTest
@Description("lend end vs ring stop: receiver's revoke + free vs worker's reclaim + revokeAll")
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "freed first: returned by the reclaim")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "not yet freed: returned by the revoke")
@Outcome(expect = Expect.FORBIDDEN, desc = "returned twice or never, the old window open, or no open window")
@State
public class LendEndStress {
    private final PacketTap tap = new PacketTap(1, 1, true);
    private final LentChain chain = new LentChain();
    private final MemorySegment before;

    public LendEndStress() {
        chain.lendTo(tap);
        before = tap.window();
    }

    @Actor
    public void receiver() {
        tap.revoke();
        tap.releaseUpTo(0, tap.published(0));
    }

    @Actor
    public void worker(III_Result r) {
        int reclaimed = tap.reclaim(0, null);
        int revoked = tap.revokeAll(0, null);
        r.r1 = reclaimed;
        r.r2 = revoked;
    }

    @Arbiter
    public void after(III_Result r) {
        boolean windows = !before.scope().isAlive() && tap.window().scope().isAlive();
        r.r3 = windows && chain.returned == r.r1 + r.r2 ? chain.returned : -chain.returned - 10;
        tap.close();
    }
}
