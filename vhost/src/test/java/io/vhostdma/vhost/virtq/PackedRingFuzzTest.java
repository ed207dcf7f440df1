package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.ModelCheck.expect;
import static io.vhostdma.vhost.virtq.ModelCheck.expectChain;
import static io.vhostdma.vhost.virtq.ModelCheck.fits;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzz target {@code packed-ring}: {@link PackedVirtqueue#attach} and {@link PackedVirtqueue#pop} over a
 * descriptor ring and indirect tables the guest wrote ({@link FuzzGuestMemory}), checked against
 * {@link PackedRingModel}, after {@link PackedVirtqueue#touchAhead} read ahead; then the used-descriptor and
 * notification calls a worker makes.
 *
 * <pre>
 * input := size:u16  flags:u8  base:u32  pops:u8  [desc:u64 driver:u64 device:u64]  image
 *   size   ring size value % 1024 + 1 (any number, not only powers of two)
 *   flags  bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 3 the three ring addresses (UVAs) follow; else the
 *          descriptor ring at region 0's start, the driver area at 32 KiB, the device area at 32 KiB + 4
 *   base   the SET_VRING_BASE value (avail position and wrap counter, used position and wrap counter)
 *   pops   chains popped at most: value % 64 + 1
 *   image  the guest's memory from GPA 0 on (regions 0 and 1: 128 KiB)
 * </pre>
 *
 * Must hold: attach accepts exactly what the model accepts; every pop returns what the model predicts (an id
 * with the same pieces, byte and descriptor counts and the same avail position afterwards, or the same status,
 * after which a broken ring stays broken without moving); nothing throws (read-ahead included); used descriptors
 * stay in the ring.
 */
class PackedRingFuzzTest {
    private static final int HEADER = 8;
    private static final long EVENTS_OFF = 32 << 10;
    private static final FuzzGuestMemory MEMORY = new FuzzGuestMemory();
    private final DescriptorChain chain = new DescriptorChain();

    @FuzzTest(maxDuration = "10s")
    void shouldWalkLikeTheModelWhenGuestWritesAnyRing(byte[] input) {
        if (input.length < HEADER) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        int size = (in.getShort() & 0xffff) % 1024 + 1;
        int flags = in.get() & 0xff;
        int base = in.getInt();
        int pops = (in.get() & 0xff) % 64 + 1;
        long desc = FuzzGuestMemory.UVA[0];
        long driver = desc + EVENTS_OFF;
        long device = driver + 4;
        if ((flags & 8) != 0 && in.remaining() >= 24) {
            desc = in.getLong();
            driver = in.getLong();
            device = in.getLong();
        }
        MEMORY.load(input, in.position());
        PackedVirtqueue q = new PackedVirtqueue(1);
        q.configure(size, desc, driver, device);
        q.setFeatures((flags & 1) != 0, (flags & 2) != 0);
        q.setLastAvailIndex(base);
        int avail = base & 0x7fff;
        int used = (base >>> 16) == 0 ? avail : (base >>> 16) & 0x7fff;
        boolean placed = fits(desc, 16L * size, 16) && fits(driver, 4, 4) && fits(device, 4, 4);
        int want = avail >= size || used >= size ? PathStatus.ERR_RING_SIZE
                : placed ? PathStatus.OK : PathStatus.ERR_RING_ADDRESS;
        int rc = q.attach(MEMORY.memory(), true);
        expect(rc == want, "attach (model " + PathStatus.describe(want) + ")", rc);
        if (rc != PathStatus.OK) {
            expect(q.pop(MEMORY.memory(), chain) == PathStatus.ERR_NOT_ATTACHED, "pop when detached", rc);
            return;
        }
        popAll(q, new PackedRingModel(MEMORY, size, desc, (flags & 2) != 0, avail, (base & 0x8000) != 0), pops);
        q.publishUsed();
        expect((q.lastAvailIndex() >>> 16 & 0x7fff) < size, "used position inside the ring", q.lastAvailIndex());
        q.needsNotification();
        q.enableNotifications();
        q.pending();
        q.disableNotifications();
    }

    private void popAll(PackedVirtqueue q, PackedRingModel model, int pops) {
        if (q.pending() > 0) {
            q.touchAhead(MEMORY.memory(), pops, true); // reads ahead and writes back unchanged: pop sees the same
        }
        for (int i = 0; i < pops; i++) {
            ModelChain.Pop want = model.pop();
            int before = q.availMark();
            int got = q.pop(MEMORY.memory(), chain);
            expect(got == want.rc(), "pop (model " + PathStatus.describe(want.rc()) + ")", got);
            if (got == PathStatus.EMPTY) {
                return;
            }
            if (ModelChain.isBudget(got)) {
                expect(!q.broken() && q.overBudget() && q.availMark() == before, "out of budget, nothing taken", got);
                return;
            }
            if (got < 0) {
                expect(q.broken() && q.lastError() == got, "broken after error", q.lastError());
                expect(q.pop(MEMORY.memory(), chain) == got && q.pending() == got, "stays broken", got);
                expect(q.availMark() == before, "avail position kept after error", q.availMark());
                return;
            }
            expectChain(MEMORY, chain, want);
            expect(q.availMark() == model.mark(), "avail position and wrap", q.availMark());
            q.addUsed(got, (int) chain.writableBytes());
        }
    }
}
