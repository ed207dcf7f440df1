package io.vhostdma.vhost.offload;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): 16-bit big-endian words summed in ones' complement. Static, allocation-free. */
public final class InternetChecksum {
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {
    }

    /** Adds bytes {@code [off, off + len)} of {@code s} to the running sum {@code sum} (an odd last byte is padded). */
    public static long add(long sum, MemorySegment s, long off, int len) {
        long acc = sum;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            acc += s.get(BE32, off + i) & 0xFFFF_FFFFL;
        }
        for (; i + 2 <= len; i += 2) {
            acc += s.get(BE16, off + i) & 0xFFFF;
        }
        if (i < len) {
            acc += (s.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF) << 8;
        }
        return acc;
    }

    /** Folds a running sum to 16 bits (not complemented). */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum to store: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }
}
