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
 * A lent frame crossing to the receiver ({@link PacketTap#lend} vs {@link PacketTap#published}): the worker writes the
 * position's address and length (plain) and publishes with a release store of tail; the receiver reads tail with
 * acquire, then the address and length, then the bytes through the window. The position's slot is reused: it held
 * an earlier, returned frame of another address and length, as every slot after the first lap does. The receiver
 * must never see the new tail with the old slot's fields.
 */
@JCStressTest
@Description("lend publish: a reused position's address and length, written before the tail, are seen after it")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "not published yet")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "the new frame's address, length and bytes")
@Outcome(expect = Expect.FORBIDDEN, desc = "the new tail with the reused slot's old fields")
@State
public class LendPublishStress {
    private final PacketTap tap = new PacketTap(1, 1, true);
    private final LentChain old = new LentChain();
    private final LentChain next = new LentChain();

    public LendPublishStress() {
        old.lendTo(tap); // position 0: freed and returned, its slot (the only one) reused by position 1
        tap.releaseUpTo(0, 1);
        tap.reclaim(0, null);
    }

    @Actor
    public void worker() {
        next.lendTo(tap);
    }

    @Actor
    public void receiver(III_Result r) {
        if (tap.published(0) == 2) {
            r.r1 = 1;
            r.r2 = tap.address(0, 1) == next.buffer.address() && tap.length(0, 1) == LentChain.LENGTH ? 1 : -1;
            r.r3 = (int) LentChain.read(tap, 1);
        }
    }

    @Arbiter
    public void close(III_Result r) {
        tap.close();
    }
}
