package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CONFIGURE_MEM_SLOTS (memory hotplug, QEMU's way of sending guest memory once it is negotiated): GET_MAX_MEM_SLOTS,
 * ADD_MEM_REG, REM_MEM_REG. Each added region is mapped by a table of its own (its slot); the device's table is a
 * {@linkplain GuestMemory#view view} of every slot, replaced with the same discipline as SET_MEM_TABLE
 * ({@link RingControl#replaceMemory}: DMA copies on the old table stopped and waited for, rings detached, the new
 * table registered with the DMA layer, rings restarted, a data-plane quiesce). A removed slot is unmapped (and its
 * dma-buf closed) only after that swap completed: no copy and no ring touches it any more. Duplicate, overlapping or
 * over-limit regions are refused, as is mixing slots with a SET_MEM_TABLE table. Event loop only.
 */
final class MemorySlots {
    /** Slots offered: the table limit every layer below shares ({@link GuestMemory#MAX_REGIONS}). */
    static final int MAX_SLOTS = GuestMemory.MAX_REGIONS;

    /** One added region: what the front end described, and the table that maps it. */
    private record Slot(MemoryTable.Region region, GuestMemory memory) {
    }

    private final VhostDevice device;
    private final RingControl rings;
    private final List<Slot> slots = new ArrayList<>();

    MemorySlots(VhostDevice device, RingControl rings) {
        this.device = device;
        this.rings = rings;
    }

    /** Whether regions were added (SET_MEM_TABLE must then replace them all). */
    boolean inUse() {
        return !slots.isEmpty();
    }

    CompletionStage<Reply> getMax(Message m) {
        m.expectSize(0).expectFds(0);
        return CompletableFuture.completedStage(Reply.u64(m.request(), MAX_SLOTS));
    }

    /** ADD_MEM_REG: checks, maps and publishes one region; completes (ack) once the new table is in effect. */
    CompletionStage<Reply> add(Message m, boolean tablePresent) {
        MemoryTable.Region r = decode(m, 1);
        if (tablePresent) {
            throw new ProtocolException(ProtocolException.Kind.BAD_STATE, m.request(),
                    "memory slots after SET_MEM_TABLE: " + describe(r));
        }
        if (slots.size() >= MAX_SLOTS) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                    "no free memory slot: " + describe(r) + " slots=" + slots.size() + " max=" + MAX_SLOTS);
        }
        for (Slot s : slots) {
            MemoryTable.Region o = s.region();
            if (MemoryTable.overlaps(r.gpa(), r.size(), o.gpa(), o.size())
                    || MemoryTable.overlaps(r.uva(), r.size(), o.uva(), o.size())) {
                throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(),
                        "region overlaps a slot: " + describe(r) + " slot=" + describe(o));
            }
        }
        GuestMemory mapped = GuestMemoryMapper.map(new MemoryTable(List.of(r)), m, device.portName());
        Slot added = new Slot(r, mapped);
        List<Slot> next = new ArrayList<>(slots);
        next.add(added);
        GuestMemory view = view(next);
        return rings.replaceMemory(m.request(), view).handle((v, err) -> {
            if (err == null || device.memory() == view) {
                slots.add(added); // in effect (or published by a swap that failed later: unmapped at disconnect)
            } else {
                mapped.close(); // never published
            }
            if (err != null) {
                throw new java.util.concurrent.CompletionException(err);
            }
            return Reply.NONE;
        });
    }

    /** REM_MEM_REG: the slot matching gpa, user address and size leaves the table, then is unmapped. */
    CompletionStage<Reply> remove(Message m) {
        MemoryTable.Region r = decode(m, 0);
        Slot gone = null;
        for (Slot s : slots) {
            if (s.region().sameMapping(r)) {
                gone = s;
            }
        }
        if (gone == null) {
            throw new ProtocolException(ProtocolException.Kind.BAD_VALUE, m.request(), "no such region: " + describe(r));
        }
        List<Slot> next = new ArrayList<>(slots);
        next.remove(gone);
        Slot removed = gone;
        return rings.replaceMemory(m.request(), view(next)).thenApply(v -> {
            slots.remove(removed);
            removed.memory().close(); // after the swap: revoked, drained, detached and quiesced
            return Reply.NONE;
        });
    }

    /** After SET_MEM_TABLE replaced the device's table, or at disconnect: unmaps every slot. */
    void closeAll() {
        for (Slot s : slots) {
            s.memory().close();
        }
        slots.clear();
    }

    private static GuestMemory view(List<Slot> next) {
        List<GuestRegion> regions = new ArrayList<>(next.size());
        for (Slot s : next) {
            regions.add(s.memory().region(0));
        }
        return GuestMemory.view(regions);
    }

    /** The single-region payload {@code u64 padding; region} with exactly {@code fds} fds (REM: a stray fd closed). */
    private static MemoryTable.Region decode(Message m, int fds) {
        m.expectSize(8 + MemoryRegionLayout.BYTES);
        if (fds == 1) {
            m.expectFds(1);
        }
        MemoryTable.Region r = MemoryTable.region(m.payload(), 8);
        MemoryTable.check(m.request(), 0, r);
        return r;
    }

    private static String describe(MemoryTable.Region r) {
        return "gpa=0x" + Long.toHexString(r.gpa()) + " size=0x" + Long.toHexString(r.size()) + " uva=0x"
                + Long.toHexString(r.uva());
    }
}
