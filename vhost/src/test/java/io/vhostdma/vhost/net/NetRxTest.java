package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.TestDriver;
import io.vhostdma.vhost.virtq.PathStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetRxTest {
    private static final io.vhostdma.dma.sg.GatherCursor CURSOR = new io.vhostdma.dma.sg.GatherCursor();

    private static final long FRAME_GPA = GPA1 + 0x8000;
    private final TestDriver tx = new TestDriver(64);
    private final TestDriver rx = new TestDriver(64);
    private final DescriptorChain txChain = new DescriptorChain();
    private final GatherList frame = new GatherList(io.vhostdma.vhost.virtq.DescriptorChain.MAX_SEGMENTS);
    private final RxScratch scratch = new RxScratch(64);

    @AfterEach
    void close() {
        tx.close();
        rx.close();
    }

    /** Puts {@code data} into the TX guest as one readable chain without header and returns it as a gather list. */
    private GatherList frameOf(byte[] data) {
        SplitVirtqueue txq = tx.newQueue(false, false);
        tx.write(FRAME_GPA, data);
        tx.desc(0, FRAME_GPA, data.length, 0, 0);
        tx.setAvailIdx(0);
        tx.publish(0);
        assertEquals(0, txq.pop(tx.memory(), txChain));
        assertEquals(data.length, NetTx.frame(txChain, 0, frame, CURSOR));
        return frame;
    }

    /** {@code n} bytes of a pattern that repeats only after 256 (shared with {@link NetRxDirectTest}). */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @Test
    void shouldSpreadFrameOverChainsAndSetNumBuffersWhenMergeable() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        for (int i = 0; i < 4; i++) {
            rx.desc(i, GPA2 + 0x1000L * i, 1000, F_WRITE, 0);
            rx.publish(i);
        }
        byte[] data = pattern(2500);
        assertEquals(3, NetRx.enqueue(rxq, rx.memory(), frameOf(data), true, 12, scratch));
        assertEquals(0, rx.usedIdx(), "enqueue does not publish");
        rxq.publishUsed();
        assertEquals(3, rx.usedIdx());
        assertEquals(1000, rx.usedLen(0));
        assertEquals(1000, rx.usedLen(1));
        assertEquals(512, rx.usedLen(2));
        assertEquals(2, rx.usedId(2));
        byte[] hdr = rx.read(GPA2, 12);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0}, hdr);
        byte[] got = new byte[2500];
        System.arraycopy(rx.read(GPA2 + 12, 988), 0, got, 0, 988);
        System.arraycopy(rx.read(GPA2 + 0x1000, 1000), 0, got, 988, 1000);
        System.arraycopy(rx.read(GPA2 + 0x2000, 512), 0, got, 1988, 512);
        assertArrayEquals(data, got);
        assertEquals(3, rxq.lastAvailIndex());
    }

    @Test
    void shouldWriteHeaderWhenItIsSplitAcrossDescriptors() {
        SplitVirtqueue rxq = rx.newQueue(false, false);
        rx.write(GPA2, pattern(32));
        rx.desc(0, GPA2, 5, F_WRITE | F_NEXT, 1);
        rx.desc(1, GPA2 + 0x100, 6, F_WRITE | F_NEXT, 2);
        rx.desc(2, GPA2 + 0x200, 100, F_WRITE, 0);
        rx.publish(0);
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(20)), true, 12, scratch));
        assertArrayEquals(new byte[5], rx.read(GPA2, 5), "header bytes 0..4");
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1}, rx.read(GPA2 + 0x100, 6),
                "header bytes 5..10; byte 10 is num_buffers' low byte = 1");
        byte[] third = rx.read(GPA2 + 0x200, 21);
        assertEquals(0, third[0], "num_buffers high byte");
        assertArrayEquals(pattern(20), Arrays.copyOfRange(third, 1, 21));
        rxq.publishUsed();
        assertEquals(32, rx.usedLen(0));
    }

    @Test
    void shouldPutOneHeaderAndNumBuffersOneWhenNotMergeable() {
        SplitVirtqueue rxq = rx.newQueue(false, false);
        rx.write(GPA2, pattern(64));
        rx.desc(0, GPA2, 2048, F_WRITE, 0);
        rx.publish(0);
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(40)), false, 12, scratch));
        rxq.publishUsed();
        assertEquals(52, rx.usedLen(0));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, rx.read(GPA2, 12));
        assertArrayEquals(pattern(40), rx.read(GPA2 + 12, 40));
    }

    @Test
    void shouldOmitNumBuffersWhenHeaderIsTenBytes() {
        SplitVirtqueue rxq = rx.newQueue(false, false);
        rx.write(GPA2, pattern(64));
        rx.desc(0, GPA2, 2048, F_WRITE, 0);
        rx.publish(0);
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(40)), false, 10, scratch));
        rxq.publishUsed();
        assertEquals(50, rx.usedLen(0));
        assertArrayEquals(new byte[10], rx.read(GPA2, 10));
        assertArrayEquals(pattern(40), rx.read(GPA2 + 10, 40));
    }

    @Test
    void shouldRefuseAndKeepChainWhenNotMergeableAndTooSmall() {
        SplitVirtqueue rxq = rx.newQueue(false, false);
        rx.desc(0, GPA2, 100, F_WRITE, 0);
        rx.publish(0);
        assertEquals(PathStatus.TOO_BIG, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(89)), false, 12, scratch));
        assertEquals(0, rxq.lastAvailIndex(), "chain stays available");
        assertEquals(0, rxq.usedIndex());
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(88)), false, 12, scratch));
    }

    @Test
    void shouldRollBackWhenRingRunsDryMidPacket() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        rx.desc(0, GPA2, 1000, F_WRITE, 0);
        rx.desc(1, GPA2 + 0x1000, 1000, F_WRITE, 0);
        rx.publish(0);
        rx.publish(1);
        assertEquals(PathStatus.NO_BUFFERS, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(3000)), true, 12, scratch));
        assertEquals(0, rxq.lastAvailIndex());
        assertEquals(0, rxq.usedIndex());
        assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(900)), true, 12, scratch));
        assertEquals(1, rxq.lastAvailIndex());
    }

    @Test
    void shouldReportNoBuffersWhenRingEmpty() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        assertEquals(PathStatus.NO_BUFFERS, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(60)), true, 12, scratch));
        assertEquals(PathStatus.NO_BUFFERS, NetRx.enqueue(rxq, rx.memory(), frame, false, 12, scratch));
    }

    @Test
    void shouldBreakRingWhenRxChainHasReadableBuffers() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        rx.desc(0, GPA2, 100, F_NEXT, 1);
        rx.desc(1, GPA2 + 0x100, 1000, F_WRITE, 0);
        rx.publish(0);
        assertEquals(PathStatus.ERR_BUFFER_DIRECTION, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(60)), true, 12, scratch));
        assertTrue(rxq.broken());
        assertEquals(PathStatus.ERR_BUFFER_DIRECTION, rxq.lastError());
    }

    @Test
    void shouldReportNotReadyWhenRingDetached() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        rxq.detach();
        assertEquals(PathStatus.NOT_READY, NetRx.enqueue(rxq, rx.memory(), frameOf(pattern(60)), true, 12, scratch));
    }

    /** A dirty log only sees chains that are used: a packet given back must not have changed guest memory. */
    @Test
    void shouldLeaveGuestMemoryUntouchedWhenTheRingRunsDryMidPacketOrTheReserveIsGivenBack() {
        SplitVirtqueue rxq = rx.newQueue(true, false);
        byte[] before = pattern(1000);
        rx.write(GPA2, before);
        rx.desc(0, GPA2, 1000, F_WRITE, 0);
        rx.publish(0);
        assertEquals(PathStatus.NO_BUFFERS, NetRx.reserve(rxq, rx.memory(), 2500, true, 12, scratch));
        assertArrayEquals(before, rx.read(GPA2, 1000), "dry mid-packet: the first chain's header not written");
        assertEquals(1, NetRx.reserve(rxq, rx.memory(), 500, true, 12, scratch));
        rxq.rewindTo(scratch.mark()); // e.g. no room for the DMA copies
        assertArrayEquals(before, rx.read(GPA2, 1000), "given back: nothing written");
        assertEquals(0, rxq.lastAvailIndex());
        assertEquals(1, NetRx.reserve(rxq, rx.memory(), 500, true, 12, scratch));
        NetRx.writeHeader(12, 1, scratch);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, rx.read(GPA2, 12));
    }
}
