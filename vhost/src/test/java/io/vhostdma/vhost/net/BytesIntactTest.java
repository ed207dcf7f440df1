package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import io.vhostdma.vhost.virtq.DescriptorChain;
import io.vhostdma.vhost.virtq.SplitVirtqueue;
import io.vhostdma.vhost.virtq.TestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static io.vhostdma.vhost.virtq.SplitRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.TestDriver.GPA1;
import static io.vhostdma.vhost.virtq.TestDriver.GPA2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random frames through TX chain → GatherList → RX chains (the gather cursor), compared by CRC and length. */
class BytesIntactTest {
    private static final io.vhostdma.dma.sg.GatherCursor CURSOR = new io.vhostdma.dma.sg.GatherCursor();

    private static final int NUM = 256;
    private static final int DESCS_PER_RX_CHAIN = 3;
    private final TestDriver tx = new TestDriver(NUM);
    private final TestDriver rx = new TestDriver(NUM);
    private final SplittableRandom rnd = new SplittableRandom(20240601);
    private final DescriptorChain txChain = new DescriptorChain();
    private final GatherList frame = new GatherList(io.vhostdma.vhost.virtq.DescriptorChain.MAX_SEGMENTS);
    private final RxScratch scratch = new RxScratch(NUM);
    /** Per RX head: buffer gpas and lengths as posted. */
    private final long[][] rxGpa = new long[NUM][DESCS_PER_RX_CHAIN];
    private final int[][] rxLen = new int[NUM][DESCS_PER_RX_CHAIN];

    @AfterEach
    void close() {
        tx.close();
        rx.close();
    }

    private static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    /** Posts header+frame as a TX chain split at random points; the area may straddle regions 0 and 1. */
    private void postTx(byte[] packet) {
        long base = rnd.nextBoolean() ? GPA1 - rnd.nextInt(1, 20_000) : GPA2 + rnd.nextInt(0, 4096);
        tx.write(base, packet);
        int pieces = rnd.nextInt(1, 9);
        int pos = 0;
        for (int i = 0; i < pieces; i++) {
            int left = packet.length - pos;
            int len = i == pieces - 1 ? left : rnd.nextInt(0, left + 1);
            int descIdx = 10 + i;
            boolean last = i == pieces - 1;
            tx.desc(descIdx, base + pos, len, last ? 0 : F_NEXT, descIdx + 1);
            pos += len;
        }
        tx.publish(10);
    }

    /** Posts RX chains of random capacity until {@code needed} bytes fit; returns the chain count. */
    private int postRx(int needed, int firstHead) {
        int total = 0;
        int chains = 0;
        long gpa = GPA2 + 0x10000;
        while (total < needed) {
            int head = (firstHead + chains * DESCS_PER_RX_CHAIN) % (NUM - DESCS_PER_RX_CHAIN);
            int descs = rnd.nextInt(1, DESCS_PER_RX_CHAIN + 1);
            for (int d = 0; d < descs; d++) {
                int len = rnd.nextInt(d == 0 ? 12 : 1, 2048);
                rxGpa[head][d] = gpa;
                rxLen[head][d] = len;
                rx.desc(head + d, gpa, len, F_WRITE | (d < descs - 1 ? F_NEXT : 0), head + d + 1);
                gpa += len + rnd.nextInt(0, 64);
                total += len;
            }
            for (int d = descs; d < DESCS_PER_RX_CHAIN; d++) {
                rxLen[head][d] = 0;
            }
            rx.publish(head);
            chains++;
        }
        return chains;
    }

    private byte[] readRxChain(int head, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int left = len;
        for (int d = 0; d < DESCS_PER_RX_CHAIN && left > 0; d++) {
            int n = Math.min(left, rxLen[head][d]);
            out.writeBytes(rx.read(rxGpa[head][d], n));
            left -= n;
        }
        assertEquals(0, left, "used len larger than chain capacity");
        return out.toByteArray();
    }

    @Test
    void shouldDeliverRandomFramesIntactWhenMergeable() {
        SplitVirtqueue txq = tx.newQueue(true, true);
        SplitVirtqueue rxq = rx.newQueue(true, false);
        for (int iter = 0; iter < 300; iter++) {
            int frameLen = rnd.nextInt(1, 9001);
            byte[] packet = new byte[12 + frameLen];
            rnd.nextBytes(packet);
            postTx(packet);
            int head = txq.pop(tx.memory(), txChain);
            assertEquals(10, head);
            assertEquals(frameLen, NetTx.frame(txChain, 12, frame, CURSOR));
            int expectedChains = postRx(12 + frameLen, (iter * 7) % 200);
            int usedBefore = rx.usedIdx();
            int n = NetRx.enqueue(rxq, rx.memory(), frame, true, 12, scratch);
            assertEquals(expectedChains, n, "iteration " + iter);
            rxq.publishUsed();
            NetTx.complete(txq, head);
            txq.publishUsed();

            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                int slot = (usedBefore + i) & (NUM - 1);
                got.writeBytes(readRxChain(rx.usedId(slot), rx.usedLen(slot)));
            }
            byte[] bytes = got.toByteArray();
            assertEquals(12 + frameLen, bytes.length);
            for (int i = 0; i < 10; i++) {
                assertEquals(0, bytes[i], "header byte " + i);
            }
            assertEquals(n, (bytes[10] & 0xFF) | (bytes[11] & 0xFF) << 8, "num_buffers");
            assertEquals(crc(packet, 12, frameLen), crc(bytes, 12, frameLen), "iteration " + iter);
        }
        assertTrue(!txq.broken() && !rxq.broken());
    }

    @Test
    void shouldDeliverRandomFramesIntactWhenNotMergeable() {
        SplitVirtqueue txq = tx.newQueue(false, false);
        SplitVirtqueue rxq = rx.newQueue(false, false);
        for (int iter = 0; iter < 200; iter++) {
            int frameLen = rnd.nextInt(1, 9001);
            byte[] packet = new byte[12 + frameLen];
            rnd.nextBytes(packet);
            postTx(packet);
            int head = txq.pop(tx.memory(), txChain);
            assertEquals(frameLen, NetTx.frame(txChain, 12, frame, CURSOR));
            // one RX chain of three descriptors whose capacity covers header + frame
            int total = 12 + frameLen;
            int a = rnd.nextInt(1, total);
            int b = rnd.nextInt(0, total - a + 1);
            int c = total - a - b + rnd.nextInt(0, 100);
            long[] gpas = {GPA1 - rnd.nextInt(1, 5000), GPA2 + 0x40000, GPA2 + 0x60000};
            int[] lens = {a, b, c};
            for (int d = 0; d < 3; d++) {
                rx.desc(200 + d, gpas[d], lens[d], F_WRITE | (d < 2 ? F_NEXT : 0), 201 + d);
            }
            rx.publish(200);
            int usedBefore = rx.usedIdx();
            assertEquals(1, NetRx.enqueue(rxq, rx.memory(), frame, false, 12, scratch));
            rxq.publishUsed();
            NetTx.complete(txq, head);
            txq.publishUsed();
            int slot = usedBefore & (NUM - 1);
            assertEquals(200, rx.usedId(slot));
            assertEquals(total, rx.usedLen(slot));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int left = total;
            for (int d = 0; d < 3 && left > 0; d++) {
                int n = Math.min(left, lens[d]);
                got.writeBytes(rx.read(gpas[d], n));
                left -= n;
            }
            byte[] bytes = got.toByteArray();
            assertEquals(1, (bytes[10] & 0xFF) | (bytes[11] & 0xFF) << 8, "num_buffers");
            assertEquals(crc(packet, 12, frameLen), crc(bytes, 12, frameLen), "iteration " + iter);
        }
    }

    @Test
    void shouldCopyBetweenGatherListsWhenBothAreFragmented() {
        for (int iter = 0; iter < 200; iter++) {
            int len = rnd.nextInt(1, 9001);
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            long srcBase = GPA2 + rnd.nextInt(0, 1000);
            tx.write(srcBase, data);
            GatherList src = split(tx, srcBase, len);
            long dstBase = GPA2 + 0x20000 + rnd.nextInt(0, 1000);
            GatherList dst = split(rx, dstBase, len + 100);
            int skip = rnd.nextInt(0, 100);
            assertEquals(len, CURSOR.copy(src, 0, dst, skip, len));
            assertEquals(crc(data, 0, len), crc(rx.read(dstBase + skip, len), 0, len));
            assertEquals(Math.max(0, len - 50), CURSOR.copy(src, 0, dst, 150, len), "stops at the dst end");
            assertEquals(Math.max(0, len - 7), CURSOR.copy(src, 7, dst, 0, len), "stops at the src end");
        }
    }

    /** A gather list over [base, base+len) of region 2 cut at random points. */
    private GatherList split(TestDriver d, long base, int len) {
        GatherList g = new GatherList(io.vhostdma.vhost.virtq.DescriptorChain.MAX_SEGMENTS);
        int pos = 0;
        while (pos < len) {
            int n = Math.min(len - pos, rnd.nextInt(1, 1500));
            g.add(d.memory().segment(2), base - GPA2 + pos, n);
            pos += n;
        }
        return g;
    }
}
