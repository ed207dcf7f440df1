package io.vhostdma.backend;

import java.util.Random;

/** Deterministic Ethernet test frames: {@code dst, src, 0x88b5, u32 sequence, random bytes}. */
final class Frames {
    static final long BROADCAST = 0xffff_ffff_ffffL;

    private Frames() {
    }

    /** A locally administered unicast MAC ending in {@code n}. */
    static long mac(int n) {
        return 0x0200_0000_0000L | (n & 0xffff);
    }

    /** Frame {@code seq} of length {@code len} from {@code src} to {@code dst}, payload from {@code seed}. */
    static byte[] frame(long dst, long src, int seq, int len, long seed) {
        byte[] f = new byte[len];
        new Random(seed * 1_000_003L + seq).nextBytes(f);
        putMac(f, 0, dst);
        putMac(f, 6, src);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        f[14] = (byte) (seq >>> 24);
        f[15] = (byte) (seq >>> 16);
        f[16] = (byte) (seq >>> 8);
        f[17] = (byte) seq;
        return f;
    }

    static void putMac(byte[] f, int off, long mac) {
        for (int i = 0; i < 6; i++) {
            f[off + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    /** Lengths for {@code count} frames: mostly 60..1514, every {@code jumboEvery}-th up to 9000 (0: none). */
    static int[] sizes(int count, long seed, int jumboEvery, int maxJumbo) {
        Random r = new Random(seed);
        int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = jumboEvery > 0 && i % jumboEvery == jumboEvery - 1 ? 1515 + r.nextInt(maxJumbo - 1514)
                    : 60 + r.nextInt(1514 - 60 + 1);
        }
        return s;
    }
}
