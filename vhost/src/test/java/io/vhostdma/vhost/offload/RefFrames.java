package io.vhostdma.vhost.offload;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Test-side reference: Ethernet/IPv4/IPv6/TCP/UDP frames built field by field with {@link ByteBuffer}, and an
 * independent checksum (a plain loop over 16-bit words of a byte array, no code shared with the library).
 */
final class RefFrames {
    static final byte[] SRC4 = {10, 0, 0, 1};
    static final byte[] DST4 = {10, 0, 0, 2};
    static final byte[] SRC6 = new byte[16];
    static final byte[] DST6 = new byte[16];

    static {
        SRC6[0] = (byte) 0xfd;
        SRC6[15] = 1;
        DST6[0] = (byte) 0xfd;
        DST6[15] = 2;
    }

    private RefFrames() {
    }

    static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + seed);
        }
        return p;
    }

    /** Ethernet (+ optional VLAN tag) + IPv4 or IPv6 + TCP (data offset {@code doff} words) or UDP + payload. */
    static byte[] frame(boolean ipv6, boolean vlan, boolean tcp, int doff, int tcpFlags, byte[] payload) {
        int l3 = vlan ? 18 : 14;
        int l3len = ipv6 ? 40 : 20;
        int l4len = tcp ? doff * 4 : 8;
        int len = l3 + l3len + l4len + payload.length;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        if (vlan) {
            b.putShort((short) 0x8100).putShort((short) 7);
        }
        b.putShort((short) (ipv6 ? 0x86DD : 0x0800));
        int proto = tcp ? 6 : 17;
        if (ipv6) {
            b.putInt(0x60000000).putShort((short) (l4len + payload.length)).put((byte) proto).put((byte) 64);
            b.put(SRC6).put(DST6);
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (l3len + l4len + payload.length))
                    .putShort((short) 0x1234).putShort((short) 0x4000).put((byte) 64).put((byte) proto)
                    .putShort((short) 0).put(SRC4).put(DST4);
        }
        if (tcp) {
            b.putShort((short) 40000).putShort((short) 80).putInt(0xFFFFF000).putInt(77)
                    .put((byte) (doff << 4)).put((byte) tcpFlags).putShort((short) 65535).putShort((short) 0)
                    .putShort((short) 0);
            for (int i = 20; i < doff * 4; i++) {
                b.put((byte) 1); // NOP options
            }
        } else {
            b.putShort((short) 5000).putShort((short) 6000).putShort((short) (8 + payload.length)).putShort((short) 0);
        }
        b.put(payload);
        return b.array();
    }

    /** Sum of 16-bit big-endian words of {@code b[from, to)}, odd tail padded, folded, not complemented. */
    static int sum(byte[] b, int from, int to, int start) {
        long s = start;
        for (int i = from; i < to; i += 2) {
            int hi = b[i] & 0xFF;
            int lo = i + 1 < to ? b[i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        while (s > 0xFFFF) {
            s = (s >> 16) + (s & 0xFFFF);
        }
        return (int) s;
    }

    /** The pseudo-header sum of a frame: addresses, protocol, L4 length. */
    static int pseudo(byte[] f, int l3, boolean ipv6, int proto, int l4len) {
        int s = ipv6 ? sum(f, l3 + 8, l3 + 40, 0) : sum(f, l3 + 12, l3 + 20, 0);
        return sum(new byte[] {0, (byte) proto, (byte) (l4len >> 8), (byte) l4len}, 0, 4, s);
    }

    /** Whether the L4 checksum of {@code f[l4, end)} verifies (the whole sum folds to 0xFFFF). */
    static boolean l4Valid(byte[] f, int l3, int l4, boolean ipv6, int proto) {
        return sum(f, l4, f.length, pseudo(f, l3, ipv6, proto, f.length - l4)) == 0xFFFF;
    }

    /** Whether the IPv4 header checksum verifies. */
    static boolean ip4Valid(byte[] f, int l3) {
        return sum(f, l3, l3 + 20, 0) == 0xFFFF;
    }

    static byte[] slice(byte[] a, int from, int to) {
        return Arrays.copyOfRange(a, from, to);
    }

    static int u16(byte[] a, int at) {
        return ((a[at] & 0xFF) << 8) | (a[at + 1] & 0xFF);
    }

    static int u32(byte[] a, int at) {
        return (u16(a, at) << 16) | u16(a, at + 2);
    }
}
