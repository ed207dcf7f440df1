package io.vhostdma.vhost.virtq;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.net.NetRx;
import io.vhostdma.vhost.virtq.PathStatus;
import io.vhostdma.vhost.net.RxScratch;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever a guest puts in its rings, the descriptors walked stay bounded: per frame by 4 × the descriptors that
 * carry its bytes + 64, per ring and duty cycle by {@link SplitVirtqueue#CYCLE_DESCRIPTORS}; a ring over either
 * budget is out of buffers until the next cycle, and is not broken.
 */
class WorkBudgetTest {
    private static final int NUM = 32768;
    private final TestDriver driver = new TestDriver(NUM);
    private final DescriptorChain chain = new DescriptorChain();

    @AfterEach
    void close() {
        driver.close();
    }

    /** Descriptors {@code first .. first+n-1}: zero-length, chained; the last one (len {@code lastLen}) ends it. */
    private void zeroLengthChain(int first, int n, int lastLen, int flags) {
        for (int i = 0; i < n - 1; i++) {
            driver.desc(first + i, GPA2, 0, F_NEXT | flags, first + i + 1);
        }
        driver.desc(first + n - 1, GPA2, lastLen, flags, 0);
    }

    @Test
    void shouldStopAFrameAtItsBudgetWhenTheChainIsMostlyZeroLength() {
        SplitVirtqueue q = driver.newQueue(false, false);
        zeroLengthChain(0, 30_000, 64, 0); // legal by the ring's loop guard, absurd as work
        driver.publish(0);
        assertEquals(PathStatus.FRAME_OVER_BUDGET, q.pop(driver.memory(), chain));
        assertEquals(SplitVirtqueue.FRAME_SLACK + 1, chain.descriptorCount(), "walked 64 + 1 descriptors, no more");
        assertFalse(q.broken());
        assertTrue(q.overBudget());
        assertEquals(0, q.lastAvailIndex(), "nothing taken");
        assertEquals(PathStatus.OVER_BUDGET, q.pop(driver.memory(), chain), "out of buffers for the cycle");
        assertEquals(0, q.skipHead(chain), "the caller may consume the chain");
        assertEquals(1, q.lastAvailIndex());
        // next cycle: a normal chain is taken
        q.refillBudget();
        driver.desc(1, GPA2, 64, 0, 0);
        driver.publish(1);
        assertEquals(1, q.pop(driver.memory(), chain));
    }

    @Test
    void shouldStopALoopOfZeroLengthDescriptorsAtTheFrameBudgetWithoutBreakingTheRing() {
        SplitVirtqueue q = driver.newQueue(false, false);
        driver.desc(1, GPA2, 0, F_NEXT, 2);
        driver.desc(2, GPA2, 0, F_NEXT, 1);
        driver.publish(1);
        assertEquals(PathStatus.FRAME_OVER_BUDGET, q.pop(driver.memory(), chain));
        assertEquals(SplitVirtqueue.FRAME_SLACK + 1, chain.descriptorCount(), "not the ring size (32768)");
        assertFalse(q.broken());
    }

    @Test
    void shouldAllowFourTimesTheUsefulDescriptorsPlusSlackWhenFrameIsLegal() {
        SplitVirtqueue q = driver.newQueue(false, false);
        // 40 buffers with data, each preceded by 3 empty descriptors: 160 walked <= 4 * 40 + 64
        int d = 0;
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k < 3; k++) {
                driver.desc(d, GPA2, 0, F_NEXT, d + 1);
                d++;
            }
            driver.desc(d, GPA2 + i * 16L, 16, i == 39 ? 0 : F_NEXT, d + 1);
            d++;
        }
        driver.publish(0);
        assertEquals(0, q.pop(driver.memory(), chain));
        assertEquals(160, chain.descriptorCount());
        assertEquals(40 * 16, chain.readableBytes());
    }

    @Test
    void shouldCapTheDescriptorsARingWalksInOneCycle() {
        SplitVirtqueue q = driver.newQueue(false, false);
        // every avail entry names the same chain of 60 descriptors (59 empty + 1 with data: within its frame budget)
        zeroLengthChain(0, 60, 64, 0);
        for (int i = 0; i < 1000; i++) {
            driver.publish(0);
        }
        int taken = 0;
        int rc;
        while ((rc = q.pop(driver.memory(), chain)) >= 0) {
            taken++;
        }
        assertEquals(PathStatus.OVER_BUDGET, rc);
        assertEquals(SplitVirtqueue.CYCLE_DESCRIPTORS / 60, taken, "8192 descriptors per cycle: 136 chains of 60");
        assertFalse(q.broken());
        q.refillBudget();
        assertEquals(0, q.pop(driver.memory(), chain), "the next cycle goes on where this one stopped");
    }

    @Test
    void shouldBoundMergeableRxWorkWhenEveryChainHasNoCapacity() {
        SplitVirtqueue q = driver.newQueue(false, false);
        // the first chain holds the header, every later one is a zero-length writable buffer: without a frame
        // budget the reserve would walk the whole ring for each frame
        driver.desc(0, GPA2, 64, F_WRITE, 0);
        driver.desc(1, GPA2 + 64, 0, F_WRITE, 0);
        driver.publish(0);
        for (int i = 1; i < NUM; i++) {
            driver.publish(1);
        }
        RxScratch scratch = new RxScratch(NUM);
        GatherList frame = new GatherList(1);
        frame.add(MemorySegment.ofArray(new byte[1500]), 0, 1500);
        int before = q.lastAvailIndex();
        assertEquals(PathStatus.OVER_BUDGET, NetRx.enqueue(q, driver.memory(), frame, true, 12, scratch));
        assertEquals(before, q.lastAvailIndex(), "every chain of the frame rolled back");
        assertFalse(q.broken());
        assertEquals(PathStatus.OVER_BUDGET, NetRx.enqueue(q, driver.memory(), frame, true, 12, scratch),
                "out of buffers for the rest of the cycle");
    }
}
