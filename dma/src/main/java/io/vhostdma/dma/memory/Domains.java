package io.vhostdma.dma.memory;

import io.vhostdma.dma.DmaException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Assigns 16-bit handles to domains. The host is always present with handle 0; guests receive handles
 * from 1 upward in order of first registration. Thread-safe.
 */
public final class Domains {
    private static final int MAX_HANDLE = 0xFFFF;
    private final Map<UUID, DomainId> byUuid = new HashMap<>();
    private final List<DomainId> byHandle = new ArrayList<>();

    /** Creates a table holding only the host. */
    public Domains() {
        byUuid.put(DomainId.HOST.uuid(), DomainId.HOST);
        byHandle.add(DomainId.HOST);
    }

    /**
     * Returns the domain of a UUID, assigning the next free handle on first use.
     *
     * @param uuid a guest's UUID
     * @return its domain
     * @throws DmaException.InvalidArgument when all 65535 guest handles are taken
     */
    public synchronized DomainId domain(UUID uuid) {
        DomainId known = byUuid.get(uuid);
        if (known != null) {
            return known;
        }
        int handle = byHandle.size();
        if (handle > MAX_HANDLE) {
            throw new DmaException.InvalidArgument("no free domain handle: uuid=" + uuid);
        }
        DomainId created = new DomainId(uuid, handle);
        byUuid.put(uuid, created);
        byHandle.add(created);
        return created;
    }

    /**
     * @param handle a handle
     * @return the domain with that handle, or {@code null}
     */
    public synchronized DomainId byHandle(int handle) {
        return handle >= 0 && handle < byHandle.size() ? byHandle.get(handle) : null;
    }

    /**
     * @param domain a domain
     * @return whether it was issued by this table
     */
    public synchronized boolean isKnown(DomainId domain) {
        return domain != null && domain.equals(byUuid.get(domain.uuid()));
    }
}
