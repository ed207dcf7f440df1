package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.TestDriver;
import io.vhostdma.vhost.virtq.PathStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetTxTest {
    private static final io.vhostdma.dma.sg.GatherCursor CURSOR = new io.vhostdma.dma.sg.GatherCursor();

    private final TestDriver tx = new TestDriver(64);
    private final DescriptorChain chain = new DescriptorChain();
    private final GatherList frame = new GatherList(io.vhostdma.vhost.virtq.DescriptorChain.MAX_SEGMENTS);

    @AfterEach
    void close() {
        tx.close();
    }

    private SplitVirtqueue popped(int head) {
        SplitVirtqueue q = tx.newQueue(true, false);
        tx.publish(head);
        assertEquals(head, q.pop(tx.memory(), chain));
        return q;
    }

    @Test
    void shouldSkipHeaderWhenItSpansDescriptors() {
        tx.write(GPA2, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        tx.write(GPA2 + 0x100, new byte[] {9, 9, 9, 9, 1, 2, 3});
        tx.desc(0, GPA2, 8, F_NEXT, 1);
        tx.desc(1, GPA2 + 0x100, 7, 0, 0);
        SplitVirtqueue q = popped(0);
        assertEquals(3, NetTx.frame(chain, 12, frame, CURSOR));
        assertEquals(1, frame.count());
        assertEquals(3, frame.totalBytes());
        assertEquals(1, frame.segment(0).get(ValueLayout.JAVA_BYTE, frame.offset(0)));
        NetTx.complete(q, 0);
        q.publishUsed();
        assertEquals(0, tx.usedLen(0));
        assertEquals(0, tx.usedId(0));
    }

    @Test
    void shouldPointPastTheHeaderWhenHeaderAndFrameShareOneBuffer() {
        tx.write(GPA2, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 4, 5});
        tx.desc(0, GPA2, 17, 0, 0);
        popped(0);
        assertEquals(5, NetTx.frame(chain, 12, frame, CURSOR));
        assertEquals(1, frame.count());
        assertEquals(5, frame.totalBytes());
        assertEquals(5, frame.length(0));
        assertEquals(1, frame.segment(0).get(ValueLayout.JAVA_BYTE, frame.offset(0)));
        assertEquals(5, frame.segment(0).get(ValueLayout.JAVA_BYTE, frame.offset(0) + 4));
    }

    @Test
    void shouldGiveAnEmptyFrameWhenTheOneBufferIsOnlyTheHeader() {
        tx.desc(0, GPA2, 12, 0, 0);
        popped(0);
        assertEquals(0, NetTx.frame(chain, 12, frame, CURSOR));
        assertEquals(0, frame.count());
        assertEquals(0, frame.totalBytes());
    }

    @Test
    void shouldReportTooShortWhenChainShorterThanHeader() {
        tx.desc(0, GPA2, 11, 0, 0);
        popped(0);
        assertEquals(PathStatus.TOO_SHORT, NetTx.frame(chain, 12, frame, CURSOR));
        assertEquals(0, frame.count());
    }

    @Test
    void shouldReportTooLongWhenFrameExceedsCap() {
        tx.desc(0, GPA2, 12 + NetTx.MAX_FRAME_LENGTH + 1, 0, 0);
        popped(0);
        assertEquals(PathStatus.TOO_LONG, NetTx.frame(chain, 12, frame, CURSOR));
        tx.desc(0, GPA2, 12 + NetTx.MAX_FRAME_LENGTH, 0, 0);
        popped(0);
        assertEquals(NetTx.MAX_FRAME_LENGTH, NetTx.frame(chain, 12, frame, CURSOR));
    }

    @Test
    void shouldFlagGuestErrorWhenTxChainHasWritableBuffer() {
        tx.desc(0, GPA2, 100, F_NEXT, 1);
        tx.desc(1, GPA2 + 0x100, 100, F_WRITE, 0);
        SplitVirtqueue q = popped(0);
        assertEquals(PathStatus.ERR_BUFFER_DIRECTION, NetTx.frame(chain, 12, frame, CURSOR));
        NetTx.rejectChain(q);
        assertTrue(q.broken());
        assertEquals(PathStatus.ERR_BUFFER_DIRECTION, q.lastError());
    }

    @Test
    void shouldComputeHeaderLengthFromFeatures() {
        assertEquals(12, VirtioNetFeatures.headerLength(VirtioNetFeatures.VERSION_1));
        assertEquals(12, VirtioNetFeatures.headerLength(VirtioNetFeatures.MRG_RXBUF));
        assertEquals(10, VirtioNetFeatures.headerLength(VirtioNetFeatures.EVENT_IDX));
        assertEquals(12, NetHeaderLayout.SIZE_V1);
        assertEquals(10, NetHeaderLayout.NUM_BUFFERS);
        // offloads: CSUM 0, GUEST_CSUM 1, GUEST_TSO4/6 7-8, GUEST_ECN 9, HOST_TSO4/6 11-12, HOST_ECN 13 (no UFO 10, 14)
        assertEquals(0xD_4060_8008L | (1L << 26) | (1L << 28) | (1L << 29) | 0x3B83L, VirtioNetFeatures.OFFERED);
    }
}
