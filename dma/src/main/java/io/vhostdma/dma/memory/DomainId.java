package io.vhostdma.dma.memory;

import java.util.UUID;

/**
 * A memory domain: a guest, or the host (vhostd's own buffers). Identified by a UUID; the 16-bit
 * {@code handle} is what travels with each operation (see {@link io.vhostdma.dma.OpFlags}).
 *
 * @param uuid   the domain's identity
 * @param handle its 16-bit handle, {@code 0} for the host, 1..65535 for guests
 */
public record DomainId(UUID uuid, int handle) {
    /** The host domain: nil UUID, handle 0. */
    public static final DomainId HOST = new DomainId(new UUID(0L, 0L), 0);

    /** @return whether this is the host domain */
    public boolean isHost() {
        return handle == 0;
    }

    @Override
    public String toString() {
        return isHost() ? "host" : "domain[" + uuid + ",handle=" + handle + "]";
    }
}
