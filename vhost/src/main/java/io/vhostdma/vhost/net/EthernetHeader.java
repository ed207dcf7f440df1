package io.vhostdma.vhost.net;

import io.vhostdma.dma.sg.GatherList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The first 14 bytes of an Ethernet frame, read ONCE from guest memory into fields (the guest may change the
 * bytes afterwards; decisions use these copies). Reusable; parsing allocates nothing.
 *
 * <pre>
 *  0      6      12     14
 *  | dst  | src  | type |
 * </pre>
 *
 * MAC addresses are held as longs: the first octet in bits 47..40, so {@code 01:00:5e:00:00:01} is
 * {@code 0x01005e000001L}.
 */
public final class EthernetHeader {

    /** Header length. */
    public static final int LENGTH = 14;
    /** The broadcast address. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private long dst;
    private long src;
    private int etherType;

    /**
     * Reads the header from the start of {@code frame}.
     *
     * @return false when the frame is shorter than {@value #LENGTH} bytes (fields are then unchanged)
     */
    public boolean parse(GatherList frame) {
        if (frame.totalBytes() < LENGTH) {
            return false;
        }
        if (frame.length(0) >= LENGTH) {
            MemorySegment s = frame.segment(0);
            long o = frame.offset(0);
            dst = mac(s.get(BE32, o), s.get(BE16, o + 4));
            src = mac(s.get(BE32, o + 6), s.get(BE16, o + 10));
            etherType = s.get(BE16, o + 12) & 0xFFFF;
            return true;
        }
        parseSplit(frame);
        return true;
    }

    private static long mac(int high, short low) {
        return ((high & 0xFFFF_FFFFL) << 16) | (low & 0xFFFFL);
    }

    private void parseSplit(GatherList frame) {
        long d = 0;
        long s = 0;
        int t = 0;
        int pos = 0;
        for (int i = 0; i < frame.count() && pos < LENGTH; i++) {
            MemorySegment seg = frame.segment(i);
            long off = frame.offset(i);
            for (int j = 0; j < frame.length(i) && pos < LENGTH; j++, pos++) {
                int b = seg.get(ValueLayout.JAVA_BYTE, off + j) & 0xFF;
                if (pos < 6) {
                    d = (d << 8) | b;
                } else if (pos < 12) {
                    s = (s << 8) | b;
                } else {
                    t = (t << 8) | b;
                }
            }
        }
        dst = d;
        src = s;
        etherType = t;
    }

    /** Destination MAC. */
    public long dst() {
        return dst;
    }

    /** Source MAC. */
    public long src() {
        return src;
    }

    /** EtherType (or 802.3 length), host order. */
    public int etherType() {
        return etherType;
    }

    /** True for group addresses (I/G bit set), broadcast included. */
    public static boolean isMulticast(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }

    /** True for ff:ff:ff:ff:ff:ff. */
    public static boolean isBroadcast(long mac) {
        return mac == BROADCAST;
    }
}
