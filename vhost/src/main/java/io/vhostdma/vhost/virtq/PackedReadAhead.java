package io.vhostdma.vhost.virtq;

import io.vhostdma.vhost.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_ADDR;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.DESC_LEN;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_INDIRECT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_NEXT;
import static io.vhostdma.vhost.virtq.PackedRingLayout.F_WRITE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.OFFSET_MASK;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.WRAP_BIT;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U32_PLAIN;
import static io.vhostdma.vhost.virtq.SplitRingLayout.U64_PLAIN;

/**
 * {@link PackedVirtqueue#touchAhead}: reads ahead what the next chains of a packed ring will need, so a burst's
 * cross-core misses overlap instead of following one another. Owner-local, allocation-free.
 *
 * <p>What it reads: from the avail position, the descriptors {@link PackedVirtqueue#pending()} would count (each
 * slot's flags loaded with acquire and checked against the avail wrap counter exactly as pending does, at most
 * {@link PackedVirtqueue#PENDING_SCAN} slots, stopping at the first one not available), and for each chain head
 * among them (at most {@code max}) its address and the first byte of its buffer (for an indirect head, of its
 * table; never the table's buffers). The walk follows NEXT to find the heads and stops at an indirect descriptor
 * that carries NEXT, and at a head whose buffer lies outside guest memory: what comes after is {@code pop}'s to
 * refuse. It never reads a buffer id, so an id past the ring is pop's to refuse too.
 *
 * <p>What it writes (with {@code forWrite}), always the value just read, XORed with {@link #touchMask} (always 0)
 * so the JIT cannot drop the store as redundant, and never logged as dirty (the content does not change):
 * <ul>
 *   <li>the first byte of each device-writable direct head buffer (WRITE set, INDIRECT clear): a buffer the driver
 *       made available is the device's to write until it is marked used, and the driver does not read it before
 *       then; an indirect head is never written through;</li>
 *   <li>the {@code len} field of each head's own descriptor slot: with in-order completion (every data path here)
 *       a chain's used descriptor is written exactly there, since the used position moves by each earlier chain's
 *       slot count. The slot was just seen available with acquire, so the driver made it available and may not
 *       write any of its fields until the device marks it used — and it is not used: a used descriptor never looks
 *       available. The driver reads {@code len} only after it sees the slot's flags marked used, and those flags are
 *       never stored here (not even their own value): they stay the word the driver polls, written only by
 *       {@code publishUsed}. The only writer racing with this store would be a driver writing a slot it made
 *       available, which breaks the protocol and can corrupt nothing but its own ring.</li>
 * </ul>
 */
final class PackedReadAhead {
    /** A sum of the bytes {@link #touch} read (a use for its reads, which the JIT would otherwise drop). */
    private int touched;
    /** Always 0 outside tests: XORed into every write-back, so the JIT cannot drop the store as redundant. */
    private int touchMask;

    /**
     * Reads (and with {@code forWrite} claims) the next {@code max} available chains of the ring {@code desc} of
     * {@code size} slots, whose avail position is {@code availMark} ({@code slot | wrap << 15}). Changes nothing a
     * driver or a later pop can tell apart; refuses nothing and throws nothing for anything the guest wrote.
     */
    void touch(GuestMemory mem, MemorySegment desc, int size, int availMark, int max, boolean forWrite) {
        int slot = availMark & OFFSET_MASK;
        boolean wrap = (availMark & WRAP_BIT) != 0;
        int scan = Math.min(size, PackedVirtqueue.PENDING_SCAN);
        int chains = 0;
        int region = 0;
        boolean head = true;
        for (int n = 0; n < scan; n++) {
            long off = PackedRingLayout.desc(slot);
            // acquire: as in pending(), pairs with the driver's release store of the flags that make the slot (or
            // its chain's head) available; orders the plain reads of the slot's other fields below
            int flags = (short) U16_ATOMIC.getAcquire(desc, off + DESC_FLAGS) & 0xFFFF;
            if (!PackedRingLayout.available(flags, wrap)) {
                break;
            }
            if (head) {
                if (chains++ >= max) {
                    break;
                }
                region = headBuffer(mem, desc, off, flags, region, forWrite);
                if (region < 0) {
                    break; // outside guest memory: pop refuses it
                }
            }
            if ((flags & (F_NEXT | F_INDIRECT)) == (F_NEXT | F_INDIRECT)) {
                break; // pop refuses it (an indirect descriptor names its buffer: it may not continue)
            }
            head = (flags & F_NEXT) == 0;
            if (++slot == size) {
                slot = 0;
                wrap = !wrap;
            }
        }
    }

    /**
     * Reads the first byte of the buffer of the head descriptor at {@code off}; with {@code forWrite} claims that
     * byte (device-writable direct buffers only) and the slot's {@code len} field.
     *
     * @return the buffer's region (the next lookup's hint), or -1 when no region holds its address
     */
    private int headBuffer(GuestMemory mem, MemorySegment desc, long off, int flags, int hint, boolean forWrite) {
        // plain reads: ordered after the driver's writes by the acquire of the flags in touch()
        long gpa = desc.get(U64_PLAIN, off + DESC_ADDR);
        int region = mem.regionOfGpa(gpa, hint);
        if (region < 0) {
            return -1;
        }
        MemorySegment seg = mem.segment(region);
        long at = gpa - mem.gpaBase(region);
        byte b = seg.get(ValueLayout.JAVA_BYTE, at);
        touched += b;
        if (forWrite) {
            if ((flags & (F_WRITE | F_INDIRECT)) == F_WRITE) {
                // plain store of the value read: an available device-writable buffer is the device's to write
                seg.set(ValueLayout.JAVA_BYTE, at, (byte) (b ^ touchMask));
            }
            // plain store of the value read: the slot is available (device-owned) and its used descriptor goes here
            desc.set(U32_PLAIN, off + DESC_LEN, desc.get(U32_PLAIN, off + DESC_LEN) ^ touchMask);
        }
        return region;
    }

    /** Tests only: a non-zero mask makes every write-back visible (it flips the bits set in {@code mask}). */
    void touchMask(int mask) {
        touchMask = mask;
    }
}
