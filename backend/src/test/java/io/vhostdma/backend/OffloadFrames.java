package io.vhostdma.backend;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-side reference for the offload tests: Ethernet + IPv4/IPv6 + TCP/UDP frames built field by field with
 * {@link ByteBuffer}, the segments a correct TSO would produce built the same way, and an independent Internet
 * checksum (a plain loop over 16-bit words; no code shared with vhostd's offload library).
 */
final class OffloadFrames {
    static final int ETH = 14;
    static final int TCP_SEQ = 0x7FFF_F000;
    private static final byte[] SRC4 = {10, 0, 0, 1};
    private static final byte[] DST4 = {10, 0, 0, 2};
    private static final byte[] SRC6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] DST6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    private OffloadFrames() {
    }

    static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + seed + (i >> 9));
        }
        return p;
    }

    static int l4(boolean ipv6) {
        return ETH + (ipv6 ? 40 : 20);
    }

    static int headers(boolean ipv6, boolean tcp) {
        return l4(ipv6) + (tcp ? 20 : 8);
    }

    /**
     * A frame from {@code src} to {@code dst} (MACs) with IP id {@code ipId}, TCP sequence {@code seq} and
     * {@code tcpFlags}, and a checksum field that is either complete ({@code full}) or the pseudo-header sum a
     * NEEDS_CSUM sender leaves there.
     */
    static byte[] frame(long dst, long src, boolean ipv6, boolean tcp, int ipId, int seq, int tcpFlags, byte[] payload,
            boolean full) {
        int l4 = l4(ipv6);
        int l4len = (tcp ? 20 : 8) + payload.length;
        ByteBuffer b = ByteBuffer.allocate(l4 + l4len);
        b.put(new byte[12]).putShort((short) (ipv6 ? 0x86DD : 0x0800));
        int proto = tcp ? 6 : 17;
        if (ipv6) {
            b.putInt(0x60000000).putShort((short) l4len).put((byte) proto).put((byte) 64).put(SRC6).put(DST6);
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4len)).putShort((short) ipId)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).put(SRC4).put(DST4);
        }
        if (tcp) {
            b.putShort((short) 40000).putShort((short) 5201).putInt(seq).putInt(99).put((byte) 0x50)
                    .put((byte) tcpFlags).putShort((short) 502).putShort((short) 0).putShort((short) 0);
        } else {
            b.putShort((short) 5000).putShort((short) 6000).putShort((short) l4len).putShort((short) 0);
        }
        b.put(payload);
        byte[] f = b.array();
        Frames.putMac(f, 0, dst);
        Frames.putMac(f, 6, src);
        if (!ipv6) {
            put16(f, ETH + 10, ~sum(f, ETH, l4, 0) & 0xFFFF);
        }
        int field = l4 + (tcp ? 16 : 6);
        int pseudo = pseudo(f, ipv6, proto, l4len);
        int c = full ? ~sum(f, l4, f.length, pseudo) & 0xFFFF : pseudo;
        put16(f, field, !full || c != 0 || tcp ? c : 0xFFFF);
        return f;
    }

    /** What TSO of {@code frame}'s payload at {@code mss} must give: complete frames, built independently. */
    static List<byte[]> segments(long dst, long src, boolean ipv6, int ipId, int tcpFlags, byte[] payload, int mss) {
        List<byte[]> out = new ArrayList<>();
        int n = (payload.length + mss - 1) / mss;
        for (int i = 0; i < n; i++) {
            byte[] part = Arrays.copyOfRange(payload, i * mss, Math.min(payload.length, (i + 1) * mss));
            int flags = i == n - 1 ? tcpFlags : tcpFlags & ~0x09; // FIN and PSH only on the last
            flags = i == 0 ? flags : flags & ~0x80; // CWR only on the first
            out.add(frame(dst, src, ipv6, true, ipId + i, TCP_SEQ + i * mss, flags, part, true));
        }
        return out;
    }

    /** Whether the L4 checksum of a complete frame verifies. */
    static boolean l4Valid(byte[] f, boolean ipv6, boolean tcp) {
        int l4 = l4(ipv6);
        return sum(f, l4, f.length, pseudo(f, ipv6, tcp ? 6 : 17, f.length - l4)) == 0xFFFF;
    }

    private static int pseudo(byte[] f, boolean ipv6, int proto, int l4len) {
        int s = ipv6 ? sum(f, ETH + 8, ETH + 40, 0) : sum(f, ETH + 12, ETH + 20, 0);
        return sum(new byte[] {0, (byte) proto, (byte) (l4len >> 8), (byte) l4len}, 0, 4, s);
    }

    /** Sum of the 16-bit big-endian words of {@code b[from, to)} (odd tail padded), folded, not complemented. */
    static int sum(byte[] b, int from, int to, int start) {
        long s = start;
        for (int i = from; i < to; i += 2) {
            s += ((b[i] & 0xFF) << 8) | (i + 1 < to ? b[i + 1] & 0xFF : 0);
        }
        while (s > 0xFFFF) {
            s = (s >> 16) + (s & 0xFFFF);
        }
        return (int) s;
    }

    private static void put16(byte[] f, int at, int v) {
        f[at] = (byte) (v >> 8);
        f[at + 1] = (byte) v;
    }
}
