package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.TestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The steady-state data path allocates nothing: measured with the thread's allocated-bytes counter. */
class ZeroAllocationTest {
    private static final io.vhostdma.dma.sg.GatherCursor CURSOR = new io.vhostdma.dma.sg.GatherCursor();

    private static final int NUM = 256;
    private final TestDriver tx = new TestDriver(NUM);
    private final TestDriver rx = new TestDriver(NUM);
    private final SplitVirtqueue txq = tx.newQueue(true, true);
    private final SplitVirtqueue rxq = rx.newQueue(true, false);
    private final DescriptorChain chain = new DescriptorChain();
    private final GatherList frame = new GatherList(io.vhostdma.vhost.virtq.DescriptorChain.MAX_SEGMENTS);
    private final EthernetHeader eth = new EthernetHeader();
    private final RxScratch scratch = new RxScratch(NUM);
    private int goodPackets;
    private int multicastFrames;
    private int notifications;

    @AfterEach
    void close() {
        tx.close();
        rx.close();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Bytes allocated so far by this thread. {@code getThreadAllocatedBytes(threadId)} itself allocates (792 bytes
     * per call on JDK 25), so the current-thread variant is used, held in a constant.
     */
    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** One packet: driver posts, device pops TX, parses, enqueues RX (3 chains), completes both, notifies. */
    private void onePacket() {
        tx.publish(0);
        rx.publish(100);
        rx.publish(101);
        rx.publish(102);
        txq.refillBudget(); // one duty cycle per packet
        rxq.refillBudget();
        int head = txq.pop(tx.memory(), chain);
        int len = NetTx.frame(chain, 12, frame, CURSOR);
        if (eth.parse(frame) && EthernetHeader.isMulticast(eth.dst())) {
            multicastFrames++;
        }
        int n = NetRx.enqueue(rxq, rx.memory(), frame, true, 12, scratch);
        if (len == 1500 && n == 3) {
            goodPackets++;
        }
        NetTx.complete(txq, head);
        txq.publishUsed();
        rxq.publishUsed();
        if (txq.needsNotification()) {
            notifications++;
        }
        if (rxq.needsNotification()) {
            notifications++;
        }
    }

    @Test
    void shouldAllocateNothingWhenSteadyStateLoopRuns() {
        // TX: descriptor 0 -> indirect table of a 12-byte header and a 1500-byte frame that straddles regions
        long table = GPA2 + 0x4000;
        tx.indirectDesc(table, 0, GPA2, 12, F_NEXT, 1);
        tx.indirectDesc(table, 1, GPA1 - 700, 1500, 0, 0);
        tx.desc(0, table, 32, F_INDIRECT, 0);
        // RX: three 600-byte chains, the middle one split over two descriptors
        rx.desc(100, GPA2, 600, F_WRITE, 0);
        rx.desc(101, GPA2 + 0x1000, 300, F_WRITE | F_NEXT, 103);
        rx.desc(103, GPA2 + 0x2000, 300, F_WRITE, 0);
        rx.desc(102, GPA2 + 0x3000, 600, F_WRITE, 0);
        tx.write(GPA1 - 700, new byte[] {1, 0, 0x5e, 0, 0, 1, 2, 2, 2, 2, 2, 2, 8, 0});
        allocatedBytes();
        for (int i = 0; i < 50_000; i++) {
            onePacket();
        }
        // Steady state = a round of 10k packets with nothing allocated. A per-packet allocation shows in
        // every round; a one-off JIT event (a late C2 compile on a loaded machine) does not repeat.
        long allocated = -1;
        int rounds = 0;
        while (allocated != 0 && rounds < 10) {
            long before = allocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                onePacket();
            }
            allocated = allocatedBytes() - before;
            rounds++;
        }
        assertEquals(0, allocated, "bytes allocated by 10k steady-state packets");
        int packets = 50_000 + rounds * 10_000;
        assertEquals(packets, goodPackets, "every packet went through");
        assertEquals(packets, multicastFrames, "every frame's destination was parsed");
        assertEquals((3 * packets) & 0xFFFF, rx.usedIdx());
        assertEquals(packets & 0xFFFF, tx.usedIdx());
    }
}
