package io.vhostdma.backend.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The capture's bounded rings on their own: bytes mirrored from scattered guest buffers arrive intact, only the
 * wanted rings are mirrored, long frames are cut at the snap length, a full ring counts drops and never overwrites
 * what the consumer has not read (across many wrap-arounds), and the producer allocates nothing.
 */
class CaptureRingTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void free() {
        arena.close();
    }

    record Seen(int ringIndex, int original, byte[] bytes, long nanoTime) {
    }

    /** {@code bytes} spread over ranges of at most {@code piece} bytes, each in its own segment. */
    private GatherList scattered(byte[] bytes, int piece) {
        GatherList g = new GatherList(bytes.length / piece + 1);
        for (int off = 0; off < bytes.length; off += piece) {
            int n = Math.min(piece, bytes.length - off);
            MemorySegment s = arena.allocate(n + 16);
            MemorySegment.copy(bytes, off, s, ValueLayout.JAVA_BYTE, 8, n);
            g.add(s, 8, n);
        }
        return g;
    }

    private static byte[] bytes(int len, int seed) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<Seen> drain(CaptureRing ring, int max) {
        List<Seen> seen = new ArrayList<>();
        ring.poll((t, r, original, data) -> seen.add(new Seen(r, original, data.toArray(ValueLayout.JAVA_BYTE), t)),
                max);
        return seen;
    }

    private static boolean[] all(int queuePairs) {
        boolean[] w = new boolean[2 * queuePairs];
        java.util.Arrays.fill(w, true);
        return w;
    }

    @Test
    void shouldHandOverScatteredFramesByteForByteWhenMirroredFromBothDirections() {
        try (CaptureRing ring = new CaptureRing(all(2))) {
            byte[] a = bytes(1514, 1);
            byte[] b = bytes(61, 2);
            long before = System.nanoTime();
            ring.mirror(1, scattered(a, 100), a.length); // txq0
            ring.mirror(0, scattered(b, 7), b.length); // rxq0
            ring.mirror(3, scattered(b, 61), b.length); // txq1
            List<Seen> seen = drain(ring, 10);
            assertEquals(3, seen.size());
            assertEquals(1, seen.get(0).ringIndex());
            assertArrayEquals(a, seen.get(0).bytes());
            assertEquals(a.length, seen.get(0).original());
            assertEquals(0, seen.get(1).ringIndex());
            assertArrayEquals(b, seen.get(1).bytes());
            assertEquals(3, seen.get(2).ringIndex());
            assertTrue(seen.get(0).nanoTime() >= before && seen.get(1).nanoTime() >= seen.get(0).nanoTime());
            assertEquals(0, ring.dropped());
            assertEquals(0, drain(ring, 10).size(), "each record is handed over once");
        }
    }

    @Test
    void shouldMirrorOnlyTheWantedRingsWhenOneQueueIsSelected() {
        boolean[] txq1 = new boolean[4];
        txq1[3] = true;
        try (CaptureRing ring = new CaptureRing(txq1)) {
            byte[] f = bytes(64, 3);
            for (int r = 0; r < 4; r++) {
                ring.mirror(r, scattered(f, 64), f.length);
            }
            List<Seen> seen = drain(ring, 10);
            assertEquals(1, seen.size());
            assertEquals(3, seen.getFirst().ringIndex());
        }
    }

    @Test
    void shouldKeepTheFirstSnapLengthBytesWhenAFrameIsLonger() {
        try (CaptureRing ring = new CaptureRing(all(1))) {
            byte[] big = bytes(70_000, 4);
            ring.mirror(1, scattered(big, 4096), big.length);
            Seen s = drain(ring, 1).getFirst();
            assertEquals(70_000, s.original());
            assertArrayEquals(java.util.Arrays.copyOf(big, CaptureRing.SNAP_LENGTH), s.bytes());
        }
    }

    @Test
    void shouldCountDropsAndKeepUnreadRecordsIntactWhenTheConsumerFallsBehind() {
        try (CaptureRing ring = new CaptureRing(all(1))) {
            int seq = 0;
            int next = 0; // the sequence number the consumer expects next
            java.util.Set<Integer> refused = new java.util.HashSet<>();
            Random r = new Random(5);
            for (int round = 0; round < 40; round++) {
                // the producer runs ahead until the ring refuses frames, then the consumer reads part of it
                long droppedBefore = ring.dropped();
                while (ring.dropped() == droppedBefore) {
                    byte[] f = bytes(60 + r.nextInt(9000), seq);
                    f[0] = (byte) (seq >>> 24);
                    f[1] = (byte) (seq >>> 16);
                    f[2] = (byte) (seq >>> 8);
                    f[3] = (byte) seq;
                    ring.mirror(1, scattered(f, 1500), f.length);
                    seq++;
                }
                refused.add(seq - 1); // the frame the full ring refused
                for (Seen s : drain(ring, 50 + r.nextInt(200))) {
                    int got = (s.bytes()[0] & 0xff) << 24 | (s.bytes()[1] & 0xff) << 16 | (s.bytes()[2] & 0xff) << 8
                            | (s.bytes()[3] & 0xff);
                    assertEquals(next, got, "records arrive in order, none overwritten");
                    assertArrayEquals(patched(bytes(s.original(), got), got), s.bytes(), "frame " + got + " intact");
                    next = got + 1;
                    while (refused.contains(next)) {
                        next++;
                    }
                }
            }
            assertEquals(refused.size(), ring.dropped(), "every refused frame counted once");
            assertTrue(seq > 40 * 100, "the ring wrapped many times: frames=" + seq);
        }
    }

    private static byte[] patched(byte[] f, int seq) {
        f[0] = (byte) (seq >>> 24);
        f[1] = (byte) (seq >>> 16);
        f[2] = (byte) (seq >>> 8);
        f[3] = (byte) seq;
        return f;
    }

    @Test
    void shouldNotAllocateWhenMirroring() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (CaptureRing ring = new CaptureRing(all(1))) {
            byte[] f = bytes(1514, 6);
            GatherList g = scattered(f, 512);
            CaptureRing.Visitor discard = (t, r, o, b) -> { };
            for (int i = 0; i < 50_000; i++) { // warm up (JIT), emptying the ring now and then
                ring.mirror(1, g, f.length);
                if (i % 512 == 0) {
                    ring.poll(discard, Integer.MAX_VALUE);
                }
            }
            ring.poll(discard, Integer.MAX_VALUE);
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 2000; i++) {
                ring.mirror(1, g, f.length); // fills the 2 MiB ring, then counts drops
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(0, allocated, "bytes allocated by 2000 mirrors");
            assertTrue(ring.dropped() > 0, "the last mirrors found the ring full");
        }
    }
}
