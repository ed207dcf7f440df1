package io.vhostdma.vhost.frontend;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The avail and used rings of a split virtqueue of {@code num} entries (the descriptor table is
 * {@link VringDescLayout} × num). Offsets of the variable-length parts are computed from {@code num}.
 * <pre>
 * struct vring_avail {            // driver writes, device reads; align 2
 *     le16 flags;                 // bit 0: NO_INTERRUPT
 *     le16 idx;                   // free-running; release-stored by the driver
 *     le16 ring[num];             // heads
 *     le16 used_event;            // EVENT_IDX only
 * };
 * struct vring_used_elem { le32 id; le32 len; };
 * struct vring_used {             // device writes, driver reads; align 4
 *     le16 flags;                 // bit 0: NO_NOTIFY
 *     le16 idx;                   // free-running; release-stored by the device
 *     struct vring_used_elem ring[num];
 *     le16 avail_event;           // EVENT_IDX only
 * };
 * </pre>
 */
public final class SplitRingLayout {
    /** {@code struct vring_used_elem}. */
    public static final StructLayout USED_ELEM = MemoryLayout.structLayout(
            VringDescLayout.LE32.withName("id"), VringDescLayout.LE32.withName("len"));
    public static final long USED_ELEM_ID = USED_ELEM.byteOffset(MemoryLayout.PathElement.groupElement("id"));
    public static final long USED_ELEM_LEN = USED_ELEM.byteOffset(MemoryLayout.PathElement.groupElement("len"));

    public static final long AVAIL_FLAGS = 0;
    public static final long AVAIL_IDX = 2;
    public static final long AVAIL_RING = 4;
    public static final long USED_FLAGS = 0;
    public static final long USED_IDX = 2;
    public static final long USED_RING = 4;

    public static final short AVAIL_F_NO_INTERRUPT = 1;
    public static final short USED_F_NO_NOTIFY = 1;

    /** Aligned little-endian u16 access with acquire/release/opaque modes: coordinates (segment, offset). */
    static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN).varHandle();

    private SplitRingLayout() {
    }

    /** Bytes of the descriptor table. */
    public static long descTableBytes(int num) {
        return (long) VringDescLayout.BYTES * num;
    }

    /** Bytes of the avail ring including used_event. */
    public static long availBytes(int num) {
        return AVAIL_RING + 2L * num + 2;
    }

    /** Bytes of the used ring including avail_event. */
    public static long usedBytes(int num) {
        return USED_RING + USED_ELEM.byteSize() * num + 2;
    }

    /** Offset of {@code avail.ring[slot]}. */
    public static long availRing(int slot) {
        return AVAIL_RING + 2L * slot;
    }

    /** Offset of {@code avail.used_event}. */
    public static long usedEvent(int num) {
        return AVAIL_RING + 2L * num;
    }

    /** Offset of {@code used.ring[slot]}. */
    public static long usedElem(int slot) {
        return USED_RING + USED_ELEM.byteSize() * slot;
    }

    /** Offset of {@code used.avail_event}. */
    public static long availEvent(int num) {
        return USED_RING + USED_ELEM.byteSize() * num;
    }

    /**
     * The virtio event-index test: whether moving an index from {@code oldIdx} to {@code newIdx}
     * crosses {@code event}; all values are u16 and wrap.
     */
    public static boolean needEvent(int event, int newIdx, int oldIdx) {
        return ((newIdx - event - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
    }
}
