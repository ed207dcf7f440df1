package io.vhostdma.vhost.virtq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.PackedRingLayout.F_AVAIL;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_USED;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** VIRTIO_F_IN_ORDER batching of used elements (guest TX, len 0) on both layouts. */
class InOrderBatchTest {
    private final DescriptorChain chain = new DescriptorChain();
    private TestDriver split;
    private PackedTestDriver packed;

    @AfterEach
    void close() {
        if (split != null) {
            split.close();
        }
        if (packed != null) {
            packed.close();
        }
    }

    @Test
    void shouldWriteOneUsedElementForABatchWhenSplitRingIsInOrder() {
        split = new TestDriver(8);
        SplitVirtqueue q = split.newQueue(true, false);
        q.batchInOrder(true);
        for (int round = 0; round < 5; round++) { // 5 × 3 = 15 buffers: the used index wraps the 8 slots
            int first = split.availIdx();
            for (int i = 0; i < 3; i++) {
                int head = (first + i) % 8;
                split.desc(head, GPA2, 64, 0, 0);
                split.publish(head);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals((first + i) % 8, q.pop(split.memory(), chain));
                q.addUsed((first + i) % 8, 0);
            }
            split.setUsedIdx(0xdead); // not written until the publish
            q.publishUsed();
            assertEquals((first + 3) & 0xFFFF, split.usedIdx(), "used.idx moves by the batch");
            assertEquals((first + 2) % 8, split.usedId(first % 8), "one element at the batch's first slot");
            assertEquals(0, split.usedLen(first % 8));
        }
    }

    @Test
    void shouldWriteOneUsedDescriptorForABatchWhenPackedRingIsInOrder() {
        packed = new PackedTestDriver(7);
        PackedVirtqueue q = packed.newQueue(true, false);
        q.batchInOrder(true);
        for (int round = 0; round < 6; round++) { // buffers of 1 and 2 slots: the ring wraps several times
            packed.add1(0, GPA2, 64, 0);
            packed.add(1, new long[] {GPA2, GPA2}, new int[] {10, 10}, new int[] {0, 0});
            assertEquals(0, q.pop(packed.memory(), chain));
            assertEquals(1, q.pop(packed.memory(), chain));
            q.addUsed(0, 0);
            q.addUsed(1, 0);
            q.publishUsed();
            int[] used = packed.pollUsedInOrder();
            assertEquals(1, used[0], "the batch names its last id");
            assertEquals(0, used[1]);
            assertEquals(2, used[3], "one used descriptor for both buffers");
            assertNull(packed.pollUsedInOrder());
            assertEquals(q.availMark(), q.lastAvailIndex() >>> 16, "used position = avail position: 3 slots");
        }
    }

    @Test
    void shouldKeepOneElementPerBufferWhenBatchingIsOff() {
        packed = new PackedTestDriver(8);
        PackedVirtqueue q = packed.newQueue(false, false);
        packed.add1(2, GPA2, 64, 0);
        packed.add1(3, GPA2, 64, 0);
        q.pop(packed.memory(), chain);
        q.pop(packed.memory(), chain);
        q.addUsed(2, 0);
        q.addUsed(3, 0);
        q.publishUsed();
        assertArrayEquals(new int[] {2, 0, F_AVAIL | F_USED}, packed.pollUsed());
        assertArrayEquals(new int[] {3, 0, F_AVAIL | F_USED}, packed.pollUsed());
    }
}
