package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.ModelCheck.expect;
import static io.vhostdma.vhost.virtq.ModelCheck.expectChain;
import static io.vhostdma.vhost.virtq.ModelCheck.fits;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzz target {@code split-ring}: {@link SplitVirtqueue#attach} and {@link SplitVirtqueue#pop} /
 * {@link DescriptorChain} over a descriptor table, avail ring and indirect tables the guest wrote
 * ({@link FuzzGuestMemory}), checked against {@link SplitRingModel}; then the used-ring and
 * notification calls a worker makes.
 *
 * <pre>
 * input := size-log2:u8  flags:u8  last-avail:u16  pops:u8  [desc:u64 avail:u64 used:u64]  image
 *   size-log2  ring size 1 << (value % 10): 1..512
 *   flags      bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 reset last_avail_idx to used.idx at attach,
 *              bit 3 the three ring addresses (UVAs) follow; else desc at region 0's start, avail right
 *              after it, used at 32 KiB
 *   pops       chains popped at most: value % 64 + 1
 *   image      the guest's memory from GPA 0 on (regions 0 and 1: 128 KiB)
 * </pre>
 *
 * Must hold: attach accepts exactly the placements the model accepts; every pop returns what the
 * model predicts (a head with the same pieces, byte counts and descriptor count, or the same error
 * code, after which the ring stays broken without moving); nothing throws.
 */
class SplitRingFuzzTest {
    private static final int HEADER = 5;
    private static final long USED_OFF = 32 << 10;
    private static final FuzzGuestMemory MEMORY = new FuzzGuestMemory();
    private final DescriptorChain chain = new DescriptorChain();

    @FuzzTest(maxDuration = "10s")
    void shouldWalkLikeTheModelWhenGuestWritesAnyRing(byte[] input) {
        if (input.length < HEADER) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        int size = 1 << ((in.get() & 0xff) % 10);
        int flags = in.get() & 0xff;
        int lastAvail = in.getShort() & 0xffff;
        int pops = (in.get() & 0xff) % 64 + 1;
        boolean eventIdx = (flags & 1) != 0;
        boolean indirect = (flags & 2) != 0;
        long desc = FuzzGuestMemory.UVA[0];
        long avail = desc + SplitRingLayout.descTableBytes(size);
        long used = desc + USED_OFF;
        if ((flags & 8) != 0 && in.remaining() >= 24) {
            desc = in.getLong();
            avail = in.getLong();
            used = in.getLong();
        }
        MEMORY.load(input, in.position());
        SplitVirtqueue q = new SplitVirtqueue(0);
        q.configure(size, desc, avail, used);
        q.setFeatures(eventIdx, indirect);
        q.setLastAvailIndex(lastAvail);
        int rc = q.attach(MEMORY.memory(), (flags & 4) != 0);
        boolean placed = fits(desc, SplitRingLayout.descTableBytes(size), SplitRingLayout.DESC_ALIGN)
                && fits(avail, SplitRingLayout.availBytes(size) - (eventIdx ? 0 : 2), SplitRingLayout.AVAIL_ALIGN)
                && fits(used, SplitRingLayout.usedBytes(size) - (eventIdx ? 0 : 2), SplitRingLayout.USED_ALIGN);
        expect(rc == (placed ? PathStatus.OK : PathStatus.ERR_RING_ADDRESS), "attach", rc);
        if (rc != PathStatus.OK) {
            expect(q.pop(MEMORY.memory(), chain) == PathStatus.ERR_NOT_ATTACHED, "pop when detached", rc);
            return;
        }
        int usedIdx = (int) MEMORY.readUva(used + 2, 2);
        int start = (flags & 4) != 0 ? usedIdx : lastAvail;
        expect(q.lastAvailIndex() == start && q.usedIndex() == usedIdx, "indexes at attach", q.lastAvailIndex());
        popAll(q, new SplitRingModel(MEMORY, size, desc, avail, indirect, start), pops);
        q.publishUsed();
        expect(MEMORY.readUva(used + 2, 2) == q.usedIndex(), "published used.idx", q.usedIndex());
        q.needsNotification();
        q.enableNotifications();
        q.pending();
        q.disableNotifications();
    }

    private void popAll(SplitVirtqueue q, SplitRingModel model, int pops) {
        if (q.pending() > 0) {
            q.touchAhead(MEMORY.memory(), pops, true); // reads ahead and writes back unchanged: pop sees the same
        }
        for (int i = 0; i < pops; i++) {
            ModelChain.Pop want = model.pop();
            int before = q.lastAvailIndex();
            int got = q.pop(MEMORY.memory(), chain);
            expect(got == want.rc(), "pop (model " + PathStatus.describe(want.rc()) + ")", got);
            if (got == PathStatus.EMPTY) {
                return;
            }
            if (ModelChain.isBudget(got)) {
                expect(!q.broken() && q.overBudget(), "out of budget, not broken", got);
                expect(q.pop(MEMORY.memory(), chain) == PathStatus.OVER_BUDGET, "stays out of budget", got);
                expect(q.lastAvailIndex() == before, "last_avail_idx kept over budget", q.lastAvailIndex());
                return;
            }
            if (got < 0) {
                expect(q.broken() && q.lastError() == got, "broken after error", q.lastError());
                expect(q.pop(MEMORY.memory(), chain) == got && q.pending() == got, "stays broken", got);
                expect(q.lastAvailIndex() == before, "last_avail_idx kept after error", q.lastAvailIndex());
                return;
            }
            expectChain(MEMORY, chain, want);
            expect(q.lastAvailIndex() == model.lastAvail(), "last_avail_idx", q.lastAvailIndex());
            q.addUsed(got, (int) chain.writableBytes());
        }
    }
}
