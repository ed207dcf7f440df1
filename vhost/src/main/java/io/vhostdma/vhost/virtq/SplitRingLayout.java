package io.vhostdma.vhost.virtq;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Binary layout of a split virtqueue (virtio 1.x, little-endian).
 *
 * <pre>{@code
 * struct virtq_desc {            // descriptor table: 16 * num bytes, align 16 (the driver writes it)
 *     le64 addr;                 // guest-physical
 *     le32 len;
 *     le16 flags;                // NEXT = 1, WRITE = 2, INDIRECT = 4
 *     le16 next;
 * };
 * struct virtq_avail {           // 6 + 2 * num bytes, align 2 (the driver writes it)
 *     le16 flags;                // NO_INTERRUPT = 1
 *     le16 idx;
 *     le16 ring[num];
 *     le16 used_event;           // only with VIRTIO_F_EVENT_IDX
 * };
 * struct virtq_used_elem { le32 id; le32 len; };
 * struct virtq_used {            // 6 + 8 * num bytes, align 4 (the device - we - writes it)
 *     le16 flags;                // NO_NOTIFY = 1
 *     le16 idx;
 *     struct virtq_used_elem ring[num];
 *     le16 avail_event;          // only with VIRTIO_F_EVENT_IDX
 * };
 * }</pre>
 *
 * <p>Two families of accessors: {@code *_PLAIN} value layouts are unaligned and used for plain reads and writes
 * (descriptors may sit in an indirect table of any alignment); the {@code *_ATOMIC} VarHandles are built from
 * aligned layouts because acquire/release access requires natural alignment.
 */
public final class SplitRingLayout {

    /** {@code struct virtq_desc}. */
    public static final StructLayout DESC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).withName("addr"),
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("len"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("flags"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("next")).withName("virtq_desc");

    /** Header of {@code struct virtq_avail} and of {@code struct virtq_used}: flags then idx. */
    public static final StructLayout RING_HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("flags"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("idx")).withName("ring_header");

    /** {@code struct virtq_used_elem}. */
    public static final StructLayout USED_ELEM = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("id"),
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("len")).withName("virtq_used_elem");

    /** Size of one descriptor (16). */
    public static final long DESC_SIZE = DESC.byteSize();
    /** Offset of {@code addr} in a descriptor. */
    public static final long DESC_ADDR = DESC.byteOffset(groupElement("addr"));
    /** Offset of {@code len} in a descriptor. */
    public static final long DESC_LEN = DESC.byteOffset(groupElement("len"));
    /** Offset of {@code flags} in a descriptor. */
    public static final long DESC_FLAGS = DESC.byteOffset(groupElement("flags"));
    /** Offset of {@code next} in a descriptor. */
    public static final long DESC_NEXT = DESC.byteOffset(groupElement("next"));

    /** Offset of {@code flags} in the avail and used rings. */
    public static final long RING_FLAGS = RING_HEADER.byteOffset(groupElement("flags"));
    /** Offset of {@code idx} in the avail and used rings. */
    public static final long RING_IDX = RING_HEADER.byteOffset(groupElement("idx"));
    /** Offset of {@code ring[0]} in the avail and used rings. */
    public static final long RING_ENTRIES = RING_HEADER.byteSize();
    /** Size of one avail ring entry (2). */
    public static final long AVAIL_ENTRY_SIZE = ValueLayout.JAVA_SHORT.byteSize();
    /** Size of one used element (8). */
    public static final long USED_ELEM_SIZE = USED_ELEM.byteSize();
    /** Offset of {@code id} in a used element. */
    public static final long USED_ELEM_ID = USED_ELEM.byteOffset(groupElement("id"));
    /** Offset of {@code len} in a used element. */
    public static final long USED_ELEM_LEN = USED_ELEM.byteOffset(groupElement("len"));

    /** Descriptor flag: the chain continues at {@code next}. */
    public static final int F_NEXT = 1;
    /** Descriptor flag: the buffer is device-writable. */
    public static final int F_WRITE = 2;
    /** Descriptor flag: the buffer is an indirect descriptor table. */
    public static final int F_INDIRECT = 4;
    /** avail.flags bit: the driver asks for no interrupt (ignored with EVENT_IDX). */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** used.flags bit: the device asks for no kick (not used with EVENT_IDX). */
    public static final int USED_F_NO_NOTIFY = 1;

    /** Alignment required of the descriptor table. */
    public static final int DESC_ALIGN = 16;
    /** Alignment required of the avail ring. */
    public static final int AVAIL_ALIGN = 2;
    /** Alignment required of the used ring. */
    public static final int USED_ALIGN = 4;
    /** Largest split ring size. */
    public static final int MAX_SIZE = 32768;

    /** Plain unaligned little-endian 64-bit access. */
    public static final ValueLayout.OfLong U64_PLAIN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Plain unaligned little-endian 32-bit access. */
    public static final ValueLayout.OfInt U32_PLAIN = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Plain unaligned little-endian 16-bit access. */
    public static final ValueLayout.OfShort U16_PLAIN = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Aligned little-endian 16-bit VarHandle, coordinates {@code (MemorySegment, long)}, for acquire/release/opaque. */
    public static final VarHandle U16_ATOMIC = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private SplitRingLayout() {
    }

    /** Bytes of a descriptor table with {@code num} entries. */
    public static long descTableBytes(int num) {
        return DESC_SIZE * num;
    }

    /** Bytes of an avail ring of {@code num} entries, used_event included. */
    public static long availBytes(int num) {
        return RING_ENTRIES + AVAIL_ENTRY_SIZE * num + AVAIL_ENTRY_SIZE;
    }

    /** Bytes of a used ring of {@code num} entries, avail_event included. */
    public static long usedBytes(int num) {
        return RING_ENTRIES + USED_ELEM_SIZE * num + AVAIL_ENTRY_SIZE;
    }

    /** Offset of {@code avail.ring[slot]}. */
    public static long availEntry(int slot) {
        return RING_ENTRIES + AVAIL_ENTRY_SIZE * slot;
    }

    /** Offset of {@code used_event} (after {@code avail.ring[num]}). */
    public static long usedEvent(int num) {
        return RING_ENTRIES + AVAIL_ENTRY_SIZE * num;
    }

    /** Offset of {@code used.ring[slot]}. */
    public static long usedElem(int slot) {
        return RING_ENTRIES + USED_ELEM_SIZE * slot;
    }

    /** Offset of {@code avail_event} (after {@code used.ring[num]}). */
    public static long availEvent(int num) {
        return RING_ENTRIES + USED_ELEM_SIZE * num;
    }
}
