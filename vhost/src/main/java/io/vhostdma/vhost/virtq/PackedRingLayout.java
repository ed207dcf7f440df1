package io.vhostdma.vhost.virtq;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Binary layout of a packed virtqueue (virtio 1.2 §2.8, little-endian).
 *
 * <pre>{@code
 * struct pvirtq_desc {              // descriptor ring: 16 * size bytes, align 16 (driver AND device write it)
 *     le64 addr;                    // guest-physical
 *     le32 len;                     // available: buffer length; used: bytes written
 *     le16 id;                      // buffer id (in the last descriptor of a chain, or the indirect one)
 *     le16 flags;                   // NEXT = 1, WRITE = 2, INDIRECT = 4, AVAIL = 1 << 7, USED = 1 << 15
 * };
 * struct pvirtq_event_suppress {    // driver area (we read) and device area (we write): 4 bytes, align 4
 *     le16 off_wrap;                // bits 0-14 descriptor offset, bit 15 wrap counter (with flags = DESC)
 *     le16 flags;                   // ENABLE = 0, DISABLE = 1, DESC = 2 (needs EVENT_IDX)
 * };
 * }</pre>
 *
 * <p>A descriptor at the device's avail position is available when its AVAIL bit equals the avail wrap counter
 * and its USED bit does not. The device marks a used descriptor by setting both bits to the used wrap counter.
 * Both counters start at 1 and flip each time their position passes the end of the ring.
 *
 * <p>The ring base of GET/SET_VRING_BASE ({@link #base}): bits 0-14 the avail position, bit 15 its wrap counter,
 * bits 16-30 the used position, bit 31 its wrap counter.
 */
public final class PackedRingLayout {

    /** {@code struct pvirtq_desc}. */
    public static final StructLayout DESC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).withName("addr"),
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("len"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("id"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("flags")).withName("pvirtq_desc");

    /** {@code struct pvirtq_event_suppress}. */
    public static final StructLayout EVENT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("off_wrap"),
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).withName("flags"))
            .withName("pvirtq_event_suppress");

    /** Size of one descriptor (16). */
    public static final long DESC_SIZE = DESC.byteSize();
    /** Offset of {@code addr} in a descriptor. */
    public static final long DESC_ADDR = DESC.byteOffset(groupElement("addr"));
    /** Offset of {@code len} in a descriptor. */
    public static final long DESC_LEN = DESC.byteOffset(groupElement("len"));
    /** Offset of {@code id} in a descriptor. */
    public static final long DESC_ID = DESC.byteOffset(groupElement("id"));
    /** Offset of {@code flags} in a descriptor. */
    public static final long DESC_FLAGS = DESC.byteOffset(groupElement("flags"));

    /** Size of an event suppression area (4). */
    public static final long EVENT_SIZE = EVENT.byteSize();
    /** Offset of {@code off_wrap} in an event suppression area. */
    public static final long EVENT_OFF_WRAP = EVENT.byteOffset(groupElement("off_wrap"));
    /** Offset of {@code flags} in an event suppression area. */
    public static final long EVENT_FLAGS = EVENT.byteOffset(groupElement("flags"));

    /** Descriptor flag: the buffer continues in the next slot. */
    public static final int F_NEXT = 1;
    /** Descriptor flag: device-writable (in a used descriptor: {@code len} bytes were written). */
    public static final int F_WRITE = 2;
    /** Descriptor flag: the buffer is a table of packed descriptors. */
    public static final int F_INDIRECT = 4;
    /** Descriptor flag bit 7: the driver's avail wrap counter. */
    public static final int F_AVAIL = 1 << 7;
    /** Descriptor flag bit 15: the used wrap counter. */
    public static final int F_USED = 1 << 15;

    /** Event suppression flags: notify on every event. */
    public static final int EVENT_ENABLE = 0;
    /** Event suppression flags: never notify. */
    public static final int EVENT_DISABLE = 1;
    /** Event suppression flags: notify when {@code off_wrap} is reached (EVENT_IDX). */
    public static final int EVENT_DESC = 2;
    /** Bit 15 of {@code off_wrap}: the wrap counter. */
    public static final int WRAP_BIT = 1 << 15;
    /** Bits 0-14 of {@code off_wrap} and of each half of the ring base. */
    public static final int OFFSET_MASK = 0x7FFF;

    /** Alignment required of the descriptor ring. */
    public static final int DESC_ALIGN = 16;
    /** Alignment required of each event suppression area. */
    public static final int EVENT_ALIGN = 4;
    /** Largest packed ring size (any size up to it; not only powers of two). */
    public static final int MAX_SIZE = 32768;

    /** Aligned little-endian 16-bit VarHandle, coordinates {@code (MemorySegment, long)}, for acquire/release/opaque. */
    public static final VarHandle U16_ATOMIC = SplitRingLayout.U16_ATOMIC;

    private PackedRingLayout() {
    }

    /** Bytes of a descriptor ring of {@code size} entries. */
    public static long descRingBytes(int size) {
        return DESC_SIZE * size;
    }

    /** Offset of descriptor {@code slot}. */
    public static long desc(int slot) {
        return DESC_SIZE * slot;
    }

    /** Whether descriptor flags {@code flags} mark an available descriptor for avail wrap counter {@code wrap}. */
    public static boolean available(int flags, boolean wrap) {
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) != wrap;
    }

    /** The flags of a used descriptor: both wrap bits equal to the used wrap counter, WRITE when bytes were written. */
    public static int usedFlags(boolean usedWrap, int len) {
        return (len != 0 ? F_WRITE : 0) | (usedWrap ? F_AVAIL | F_USED : 0);
    }

    /** The 32-bit ring base: avail position and wrap in bits 0-15, used position and wrap in bits 16-31. */
    public static int base(int avail, boolean availWrap, int used, boolean usedWrap) {
        return (avail & OFFSET_MASK) | (availWrap ? WRAP_BIT : 0)
                | (used & OFFSET_MASK) << 16 | (usedWrap ? WRAP_BIT << 16 : 0);
    }
}
