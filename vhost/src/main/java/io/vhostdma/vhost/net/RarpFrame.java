package io.vhostdma.vhost.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The gratuitous RARP frame a migrated guest's back end broadcasts on its behalf (SEND_RARP), as QEMU's
 * announce-self and DPDK do: a reverse request from the guest's MAC, so that switches learn the MAC's new port.
 * 60 bytes (the minimum frame without FCS):
 * <pre>
 *  0        6        12      14     16     18   19   20     22       28       32       38       42..59
 *  | ff×6   | mac    | 8035  | 0001 | 0800 | 06 | 04 | 0003 | mac    | 0.0.0.0| mac    | 0.0.0.0| zero pad
 *  dst      src      type    htype  ptype  hlen plen  op    sha      spa      tha      tpa
 * </pre>
 */
public final class RarpFrame {
    /** Frame length (padded to the Ethernet minimum). */
    public static final int LENGTH = 60;
    /** Ethertype of RARP. */
    public static final int ETHERTYPE = 0x8035;
    /** RARP operation "reverse request". */
    public static final int OP_REVERSE_REQUEST = 3;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private RarpFrame() {
    }

    /** Writes the frame for {@code mac} (first octet in bits 47..40) at {@code dst[offset..]}; returns its length. */
    public static int write(MemorySegment dst, long offset, long mac) {
        dst.asSlice(offset, LENGTH).fill((byte) 0);
        putMac(dst, offset, EthernetHeader.BROADCAST);
        putMac(dst, offset + 6, mac);
        dst.set(BE16, offset + 12, (short) ETHERTYPE);
        dst.set(BE16, offset + 14, (short) 1);          // htype: Ethernet
        dst.set(BE16, offset + 16, (short) 0x0800);     // ptype: IPv4
        dst.set(ValueLayout.JAVA_BYTE, offset + 18, (byte) 6);
        dst.set(ValueLayout.JAVA_BYTE, offset + 19, (byte) 4);
        dst.set(BE16, offset + 20, (short) OP_REVERSE_REQUEST);
        putMac(dst, offset + 22, mac);                  // sender hardware address
        putMac(dst, offset + 32, mac);                  // target hardware address
        return LENGTH;
    }

    /** The MAC of SEND_RARP's payload: its first six bytes, in wire order. */
    public static long macOf(MemorySegment payload) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (payload.get(ValueLayout.JAVA_BYTE, i) & 0xff);
        }
        return mac;
    }

    private static void putMac(MemorySegment dst, long off, long mac) {
        for (int i = 0; i < 6; i++) {
            dst.set(ValueLayout.JAVA_BYTE, off + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }
}
