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
 * Who revokes a lent slot ({@link PacketTap#revokeAll}, the worker at GET_VRING_BASE, a memory-table change or a
 * disconnect) while the receiver reads it: the worker marks the positions revoked (release), opens a new lending
 * window, closes the old shared arena (the close waits until no thread is inside an access) and only then gives
 * the chain back, after which the guest reuses the buffer. The receiver reads as {@code TapSource}/{@code
 * PacketBatch} do: it either read the frame before the close, skipped the position as revoked, or saw the window
 * closed. It must never read the reused buffer, and the chain goes back exactly once.
 */
@JCStressTest
@Description("lend/revoke: the worker's revokeAll and the guest's reuse vs the receiver's read through the window")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "read before the old window closed")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "the new window: the position skipped as revoked")
@Outcome(id = "-1, 1, 1", expect = Expect.ACCEPTABLE, desc = "the old window, closed under the read: invalid")
@Outcome(expect = Expect.FORBIDDEN, desc = "the receiver read a reused buffer, or the chain not returned once")
@State
public class LendRevokeStress {
    private final PacketTap tap = new PacketTap(1, 1, true);
    private final LentChain chain = new LentChain();

    public LendRevokeStress() {
        chain.lendTo(tap);
    }

    @Actor
    public void receiver(III_Result r) {
        r.r1 = (int) LentChain.read(tap, 0);
    }

    @Actor
    public void worker(III_Result r) {
        r.r2 = tap.revokeAll(0, null);
    }

    @Arbiter
    public void returned(III_Result r) {
        r.r3 = chain.returned;
        tap.close();
    }
}
