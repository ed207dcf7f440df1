package io.vhostdma.vhost.virtq;

import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.net.NetTx;
import io.vhostdma.vhost.net.RxScratch;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed ring's steady-state data path allocates nothing (as {@code ZeroAllocationTest} shows for the split
 * ring): read-ahead, an indirect TX chain with IN_ORDER batching, three mergeable RX chains (one of two
 * descriptors), used descriptors, notifications; measured with the thread's allocated-bytes counter.
 */
class PackedZeroAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long TABLE = GPA2 + 0x4000;
    private final PackedTestDriver tx = new PackedTestDriver(4);
    private final PackedTestDriver rx = new PackedTestDriver(8);
    private final PackedVirtqueue txq = tx.newQueue(true, true);
    private final PackedVirtqueue rxq = rx.newQueue(true, false);
    private final DescriptorChain chain = new DescriptorChain();
    private final GatherList frame = new GatherList(DescriptorChain.MAX_SEGMENTS);
    private final GatherCursor cursor = new GatherCursor();
    private final RxScratch scratch = new RxScratch(8);
    private int txSlot;
    private boolean txWrap = true;
    private int rxSlot;
    private boolean rxWrap = true;
    private int good;

    @AfterEach
    void close() {
        tx.close();
        rx.close();
    }

    private int post(PackedTestDriver d, boolean tx0, long addr, int len, int id, int flags) {
        int slot = tx0 ? txSlot : rxSlot;
        boolean wrap = tx0 ? txWrap : rxWrap;
        d.raw(slot, addr, len, id, flags | PackedTestDriver.availBits(wrap), true);
        if (++slot == d.size()) {
            slot = 0;
            wrap = !wrap;
        }
        if (tx0) {
            txSlot = slot;
            txWrap = wrap;
        } else {
            rxSlot = slot;
            rxWrap = wrap;
        }
        return slot;
    }

    private void onePacket() {
        post(tx, true, TABLE, 32, 0, F_INDIRECT);
        post(rx, false, GPA2, 600, 0, F_WRITE);
        post(rx, false, GPA2 + 0x1000, 300, 1, F_WRITE | F_NEXT);
        post(rx, false, GPA2 + 0x2000, 300, 1, F_WRITE);
        post(rx, false, GPA2 + 0x3000, 600, 2, F_WRITE);
        txq.refillBudget();
        rxq.refillBudget();
        txq.touchAhead(tx.memory(), txq.pending(), true); // as the worker reads ahead: a TX burst, an RX duty cycle
        rxq.touchAhead(rx.memory(), 32, true);
        int id = txq.pop(tx.memory(), chain);
        int len = NetTx.frame(chain, 12, frame, cursor);
        int n = NetRx.enqueue(rxq, rx.memory(), frame, true, 12, scratch);
        if (id == 0 && len == 1500 && n == 3) {
            good++;
        }
        NetTx.complete(txq, id);
        txq.publishUsed();
        rxq.publishUsed();
        txq.needsNotification();
        rxq.needsNotification();
    }

    @Test
    void shouldAllocateNothingWhenPackedSteadyStateLoopRuns() {
        txq.batchInOrder(true);
        tx.indirectEntry(TABLE, 0, GPA2, 12, 0);
        tx.indirectEntry(TABLE, 1, GPA1 - 700, 1500, 0); // straddles regions 0 and 1
        for (int i = 0; i < 50_000; i++) {
            onePacket();
        }
        long allocated = -1;
        int rounds = 0;
        while (allocated != 0 && rounds < 10) { // a per-packet allocation shows in every round
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                onePacket();
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            rounds++;
        }
        assertEquals(0, allocated, "bytes allocated by 10k steady-state packets");
        assertEquals(50_000 + rounds * 10_000, good, "every packet went through");
    }
}
