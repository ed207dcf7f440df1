// PLACEHOLDER: replaced at merge
package io.vhostdma.vhost.memory;

import java.lang.foreign.Arena;
import java.util.List;

/** PLACEHOLDER: the mapped guest-memory table (the memory package's real type replaces it). */
public final class GuestMemory implements AutoCloseable {
    public static final GuestMemory EMPTY = new GuestMemory(new GuestRegion[0], null);
    private final GuestRegion[] regions;
    private final Arena owner;

    private GuestMemory(GuestRegion[] regions, Arena owner) {
        this.regions = regions;
        this.owner = owner;
    }

    public static GuestMemory of(List<GuestRegion> regions, Arena owner) {
        return new GuestMemory(regions.toArray(new GuestRegion[0]), owner);
    }

    public int regionCount() {
        return regions.length;
    }

    public GuestRegion region(int i) {
        return regions[i];
    }

    public int regionOfUva(long uva) {
        for (int i = 0; i < regions.length; i++) {
            GuestRegion r = regions[i];
            if (Long.compareUnsigned(uva - r.uva(), r.size()) < 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (owner != null) {
            owner.close();
        }
    }
}
