package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherCursor;
import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.offload.OffloadHeader;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.TestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct RX write (a one-range frame into a chain of one buffer that holds it) against the sliced one: the guest
 * sees the same bytes, header fields and used lengths whichever path wrote them.
 */
class NetRxDirectTest {
    private static final long FRAME_GPA = GPA1 + 0x8000;
    private static final int HEADER = 12;
    private static final int BUFFER = 2048;
    private final GatherCursor cursor = new GatherCursor();
    private final TestDriver tx = new TestDriver(64);
    private final TestDriver rx = new TestDriver(64);
    private final DescriptorChain txChain = new DescriptorChain();
    private final GatherList frame = new GatherList(DescriptorChain.MAX_SEGMENTS);
    private final RxScratch scratch = new RxScratch(64);
    private final OffloadHeader offload = new OffloadHeader();

    @AfterEach
    void close() {
        tx.close();
        rx.close();
    }

    @Test
    void shouldWriteTheSameBytesAsTheSlicedPathWhenTheChainIsOneBuffer() {
        offload.set(OffloadHeader.F_NEEDS_CSUM, 0, 0, 0, 34, 16);
        SplitVirtqueue rxq = rx.newQueue(false, false);
        rx.write(GPA2, filler(BUFFER));
        rx.desc(0, GPA2, BUFFER, F_WRITE, 0); // one buffer: direct
        rx.publish(0);
        rx.write(GPA2 + 0x1000, filler(BUFFER));
        rx.desc(1, GPA2 + 0x1000, 7, F_WRITE | F_NEXT, 2); // the same room in two buffers: sliced
        rx.desc(2, GPA2 + 0x1000 + 7, BUFFER - 7, F_WRITE, 0);
        rx.publish(1);

        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(1200), 1), true, HEADER, scratch, offload));
        assertTrue(scratch.direct, "one buffer that holds the frame is written directly");
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(1200), 1), true, HEADER, scratch, offload));
        assertFalse(scratch.direct, "a chain of two buffers is sliced");
        rxq.publishUsed();

        assertEquals(HEADER + 1200, rx.usedLen(0));
        assertEquals(HEADER + 1200, rx.usedLen(1));
        assertArrayEquals(rx.read(GPA2 + 0x1000, BUFFER), rx.read(GPA2, BUFFER),
                "header (offload fields, num_buffers 1), frame and the untouched rest are the same");
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 34, 0, 16, 0, 1, 0}, rx.read(GPA2, HEADER));
        assertArrayEquals(pattern(1200), rx.read(GPA2 + HEADER, 1200));
        assertArrayEquals(filler(BUFFER - HEADER - 1200), rx.read(GPA2 + HEADER + 1200, BUFFER - HEADER - 1200),
                "nothing past the frame is written");
    }

    @Test
    void shouldSliceWhenTheFrameIsInSeveralRanges() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        rx.desc(0, GPA2, BUFFER, F_WRITE, 0);
        rx.publish(0);

        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(300), 3), true, HEADER, scratch));
        assertFalse(scratch.direct, "a frame in three ranges takes the gather copy");
        rxq.publishUsed();
        assertEquals(HEADER + 300, rx.usedLen(0));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, rx.read(GPA2, HEADER));
        assertArrayEquals(pattern(300), rx.read(GPA2 + HEADER, 300));
    }

    @Test
    void shouldSpreadOverChainsWhenTheFirstBufferIsTooSmallForDirect() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        rx.desc(0, GPA2, 100, F_WRITE, 0);
        rx.publish(0);
        rx.desc(1, GPA2 + 0x1000, BUFFER, F_WRITE, 0);
        rx.publish(1);

        assertEquals(2, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(200), 1), true, HEADER, scratch));
        assertFalse(scratch.direct);
        rxq.publishUsed();
        assertEquals(100, rx.usedLen(0));
        assertEquals(HEADER + 200 - 100, rx.usedLen(1));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0}, rx.read(GPA2, HEADER));
        byte[] got = new byte[200];
        System.arraycopy(rx.read(GPA2 + HEADER, 100 - HEADER), 0, got, 0, 100 - HEADER);
        System.arraycopy(rx.read(GPA2 + 0x1000, 200 - (100 - HEADER)), 0, got, 100 - HEADER, 200 - (100 - HEADER));
        assertArrayEquals(pattern(200), got);
    }

    /** Puts {@code data} into the TX guest as one chain of {@code pieces} buffers and returns it as a gather list. */
    private GatherList frameOf(byte[] data, int pieces) {
        SplitVirtqueue txq = tx.newQueue(false, false);
        tx.write(FRAME_GPA, data);
        int step = data.length / pieces;
        for (int i = 0; i < pieces; i++) {
            int len = i == pieces - 1 ? data.length - step * i : step;
            tx.desc(i, FRAME_GPA + (long) step * i, len, i == pieces - 1 ? 0 : F_NEXT, i + 1);
        }
        tx.setAvailIdx(0);
        tx.publish(0);
        assertEquals(0, txq.pop(tx.memory(), txChain));
        assertEquals(data.length, NetTx.frame(txChain, 0, frame, cursor));
        assertEquals(pieces, frame.count());
        return frame;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0x5A);
        return b;
    }
}
