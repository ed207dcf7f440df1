package io.vhostdma.vhost.frontend;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One split-ring (and indirect-table) descriptor, little-endian under VERSION_1.
 * <pre>
 * struct vring_desc {
 *     le64 addr;   // guest-physical address of the buffer
 *     le32 len;
 *     le16 flags;  // NEXT = 1, WRITE = 2, INDIRECT = 4
 *     le16 next;
 * };
 * </pre>
 * The driver (us) is the only writer of the descriptor table; the device only reads it.
 */
public final class VringDescLayout {
    static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            LE64.withName("addr"), LE32.withName("len"), LE16.withName("flags"), LE16.withName("next"));
    public static final long ADDR = offset("addr");
    public static final long LEN = offset("len");
    public static final long FLAGS = offset("flags");
    public static final long NEXT = offset("next");
    public static final int BYTES = (int) LAYOUT.byteSize();

    public static final short F_NEXT = 1;
    public static final short F_WRITE = 2;
    public static final short F_INDIRECT = 4;

    private VringDescLayout() {
    }

    /**
     * Writes one descriptor at {@code seg[off..off+16)} with plain stores: the device reads it only
     * after the driver's release store of {@code avail.idx}, which orders these writes before it.
     */
    public static void write(java.lang.foreign.MemorySegment seg, long off, long addr, int len, int flags, int next) {
        seg.set(LE64, off + ADDR, addr);
        seg.set(LE32, off + LEN, len);
        seg.set(LE16, off + FLAGS, (short) flags);
        seg.set(LE16, off + NEXT, (short) next);
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }
}
