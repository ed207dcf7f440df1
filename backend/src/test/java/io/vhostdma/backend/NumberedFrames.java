package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.lang.foreign.MemorySegment;

/**
 * A lossy flow of numbered frames ({@code Frames.frame(dst, src, seq, 60 + seq % 1400, seed)}): the
 * receiving side checks that whatever arrives is intact and in increasing order, so a frame may be
 * missing (a counted drop) but never reordered, duplicated or damaged.
 */
final class NumberedFrames {
    private final long dst;
    private final long src;
    private final long seed;
    private final byte[] got = new byte[65536];
    private final MemorySegment rx = MemorySegment.ofArray(got);
    private int received;
    private int last = -1;

    NumberedFrames(long dst, long src, long seed) {
        this.dst = dst;
        this.src = src;
        this.seed = seed;
    }

    /** Frame number {@code seq}. */
    byte[] frame(int seq) {
        return Frames.frame(dst, src, seq, 60 + seq % 1400, seed);
    }

    /** Sends frame {@code seq} from {@code from}'s queue pair 0; false when its ring is full (TX reclaimed). */
    boolean send(VhostUserFrontend from, int seq) {
        if (from.send(0, frame(seq)) == 1) {
            return true;
        }
        from.reclaimTx(0);
        return false;
    }

    /** Receives everything {@code to} has on queue pair 0, checking order and bytes; {@code sent} bounds the numbers. */
    void drain(VhostUserFrontend to, int sent) {
        int n;
        while ((n = to.receive(0, rx, 0, got.length)) > 0) {
            int s = ((got[14] & 0xff) << 24) | ((got[15] & 0xff) << 16) | ((got[16] & 0xff) << 8) | (got[17] & 0xff);
            assertTrue(s > last && s < sent, "order: seq=" + s + " last=" + last);
            byte[] want = frame(s);
            assertEquals(want.length, n, "length of frame " + s);
            assertEquals(-1L, MemorySegment.mismatch(rx, 0, n, MemorySegment.ofArray(want), 0, n), "bytes of frame " + s);
            last = s;
            received++;
        }
        assertTrue(n == 0, "receive failed: code=" + n);
    }

    /** Frames received so far. */
    int received() {
        return received;
    }

    /** The number of the last frame received, or -1. */
    int last() {
        return last;
    }
}
