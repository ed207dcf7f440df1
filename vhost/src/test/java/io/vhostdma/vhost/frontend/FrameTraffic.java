package io.vhostdma.vhost.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.zip.CRC32;

/** Deterministic test frames and a windowed send/receive loop between two front ends. */
final class FrameTraffic {
    private FrameTraffic() {
    }

    /** Frame {@code i} of a stream: Ethernet header, ethertype 0x88b5, the index, random bytes. */
    static byte[] frame(long seed, int i, int minLen, int maxLen) {
        Random r = new Random(seed * 1_000_003L + i);
        int len = minLen + r.nextInt(maxLen - minLen + 1);
        byte[] f = new byte[len];
        r.nextBytes(f);
        for (int k = 0; k < 6; k++) {
            f[k] = (byte) (0x52 + k);
            f[6 + k] = (byte) (0x02 + k);
        }
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        f[14] = (byte) (i >>> 24);
        f[15] = (byte) (i >>> 16);
        f[16] = (byte) (i >>> 8);
        f[17] = (byte) i;
        return f;
    }

    private static final byte MARKER_ETHERTYPE_LOW = (byte) 0xb6;

    /**
     * Waits until the path a → b carries frames: a back end may report ready (ack DRIVER_OK)
     * before its forwarding side is, and drop what arrives meanwhile (DPDK's vhost PMD does).
     * Sends 0x88b6 marker frames until one arrives; later markers are skipped by exchange().
     */
    static void awaitPath(VhostUserFrontend a, VhostUserFrontend b, int qp) {
        byte[] marker = frame(0, 0, 60, 60);
        marker[13] = MARKER_ETHERTYPE_LOW;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            a.reclaimTx(qp);
            a.send(qp, marker);
            if (b.awaitRx(qp, 20_000_000L)) {
                byte[] got = b.receive(qp);
                if (got != null && isMarker(got, got.length)) {
                    return;
                }
            }
        }
        fail("no frame crossed the back end within 10 s: qp=" + qp + " tx=" + a.counters(qp) + " rx=" + b.counters(qp));
    }

    static boolean isMarker(byte[] f, int len) {
        return len >= 14 && f[12] == (byte) 0x88 && f[13] == MARKER_ETHERTYPE_LOW;
    }

    static long crc(byte[] b, int len) {
        CRC32 c = new CRC32();
        c.update(b, 0, len);
        return c.getValue();
    }

    /**
     * Sends {@code count} frames from {@code a} on pair {@code qp} and receives them on {@code b},
     * keeping at most {@code window} in flight; asserts each arrives intact and in order. Call
     * {@link #awaitPath} first. Returns how many late marker frames were skipped.
     */
    static int exchange(VhostUserFrontend a, VhostUserFrontend b, int qp, int count, int minLen, int maxLen,
            long seed) {
        int window = 32;
        int markers = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rx = arena.allocate(65536);
            byte[] got = new byte[65536];
            int sent = 0;
            int received = 0;
            byte[] next = frame(seed, 0, minLen, maxLen);
            while (received < count) {
                if (sent < count && sent - received < window) {
                    int r = a.send(qp, next);
                    if (r == 1) {
                        sent++;
                        next = sent < count ? frame(seed, sent, minLen, maxLen) : null;
                    } else if (r < 0) {
                        fail("send failed: code=" + r + " frame=" + sent);
                    }
                }
                int n = b.receive(qp, rx, 0, 65536);
                if (n < 0) {
                    fail("receive failed: code=" + n + " frame=" + received + " counters=" + b.counters(qp));
                }
                if (n > 0) {
                    MemorySegment.copy(rx, ValueLayout.JAVA_BYTE, 0, got, 0, n);
                    if (isMarker(got, n)) {
                        markers++;
                        continue;
                    }
                    byte[] want = frame(seed, received, minLen, maxLen);
                    assertEquals(want.length, n, "length of frame " + received);
                    assertEquals(crc(want, want.length), crc(got, n), "checksum of frame " + received);
                    received++;
                } else if (System.nanoTime() > deadline) {
                    fail("timed out: sent=" + sent + " received=" + received + " txCounters=" + a.counters(qp)
                            + " rxCounters=" + b.counters(qp));
                } else if (sent - received >= window || sent == count) {
                    a.reclaimTx(qp);
                    b.awaitRx(qp, 1_000_000L);
                }
            }
            return markers;
        }
    }
}
