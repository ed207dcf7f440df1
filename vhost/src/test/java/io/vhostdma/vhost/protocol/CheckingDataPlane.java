package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.memory.GuestMemory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A synchronous {@link DataPlane} (and {@link GuestMemoryListener}) for the session fuzz target that checks the contract the session
 * must keep, whatever the front end sends: a ring is attached only when its three parts lie inside
 * one region of the current memory table, never twice, and is detached only when attached; memory
 * changes only while no ring is attached. Every future completes at once, so a session driven with
 * {@code Runnable::run} as its loop finishes each message before {@code handle} returns. A broken
 * rule throws {@link IllegalStateException}, which the fuzz target reports as a finding.
 */
final class CheckingDataPlane implements DataPlane, GuestMemoryListener {
    private final BitSet attached = new BitSet();
    private final List<GuestMemory> tables = new ArrayList<>();

    @Override
    public void attach(VhostDevice device, int ringIndex) {
        if (ringIndex < 0 || ringIndex >= device.ringCount()) {
            throw new IllegalStateException("attach of a ring the device does not have: ring=" + ringIndex);
        }
        if (attached.get(ringIndex)) {
            throw new IllegalStateException("ring attached twice: ring=" + ringIndex);
        }
        VringConfig r = device.ring(ringIndex);
        GuestMemory mem = device.memory();
        long n = r.size();
        if (mem.uvaSlice(r.descUva(), 16 * n) == null || mem.uvaSlice(r.availUva(), 6 + 2 * n) == null
                || mem.uvaSlice(r.usedUva(), 6 + 8 * n) == null) {
            throw new IllegalStateException("ring attached outside guest memory: " + r + " memory=" + mem);
        }
        attached.set(ringIndex);
    }

    @Override
    public CompletableFuture<Integer> detach(VhostDevice device, int ringIndex) {
        if (!attached.get(ringIndex)) {
            throw new IllegalStateException("ring detached but not attached: ring=" + ringIndex);
        }
        attached.clear(ringIndex);
        return CompletableFuture.completedFuture(device.ring(ringIndex).lastAvailIndex() & 0xffff);
    }

    @Override
    public CompletableFuture<Void> memoryChanged(VhostDevice device, GuestMemory old, GuestMemory next) {
        if (!attached.isEmpty()) {
            throw new IllegalStateException("memory changed under attached rings: rings=" + attached);
        }
        tables.add(next);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> quiesce() {
        return CompletableFuture.completedFuture(null);
    }

    /** Throws unless every ring is detached and every memory table ever installed is unmapped. */
    void assertReleased() {
        if (!attached.isEmpty()) {
            throw new IllegalStateException("rings still attached after disconnect: rings=" + attached);
        }
        for (GuestMemory m : tables) {
            for (int i = 0; i < m.regionCount(); i++) {
                if (m.segment(i).scope().isAlive()) {
                    throw new IllegalStateException("guest memory still mapped after disconnect: " + m);
                }
            }
        }
    }
}
