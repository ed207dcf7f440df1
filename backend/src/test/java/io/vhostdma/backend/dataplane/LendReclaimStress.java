package io.vhostdma.backend.dataplane;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Who returns a lent slot ({@link PacketTap#reclaim} vs {@link PacketTap#releaseUpTo}): the receiver reads the lent
 * frame in the guest's buffer, then frees the position (release store of head); the worker reclaims (acquire load of
 * head) and gives back the chains of freed positions, after which the guest reuses the buffer. The receiver must
 * never read the guest's reuse, and a chain goes back only once its position was freed, exactly once.
 */
@JCStressTest
@Description("lend/reclaim: the receiver's read and free vs the worker's reclaim and the guest's reuse")
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "reclaimed before the free: the chain stays lent")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "reclaimed after the free: returned once")
@Outcome(expect = Expect.FORBIDDEN, desc = "the receiver read a reused buffer, or a chain returned early or twice")
@State
public class LendReclaimStress {
    private final PacketTap tap = new PacketTap(1, 1, true);
    private final LentChain chain = new LentChain();

    public LendReclaimStress() {
        chain.lendTo(tap);
    }

    @Actor
    public void receiver(III_Result r) {
        r.r1 = (int) LentChain.read(tap, 0);
        tap.releaseUpTo(0, 1);
    }

    @Actor
    public void worker(III_Result r) {
        r.r2 = tap.reclaim(0, null);
    }

    @Arbiter
    public void returned(III_Result r) {
        r.r3 = chain.returned;
        tap.close();
    }
}
