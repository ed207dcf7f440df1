package io.vhostdma.backend.dma;

import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Domains;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each port's DMA domain, the identity its guest memory is registered under and access groups admit. A
 * port's domain is derived from its name (a re-added port gets the same one back), exists from the port's
 * creation to its removal, and is the only way the runtime and the access groups learn a port's domain.
 * Thread-safe.
 */
public final class PortDomains {
    private final Domains layer;
    private final Map<String, DomainId> byPort = new ConcurrentHashMap<>();

    PortDomains(Domains layer) {
        this.layer = layer;
    }

    /** Gives {@code port} its domain (the same one on every call) and returns it. */
    DomainId add(String port) {
        UUID id = UUID.nameUUIDFromBytes(("vhostd-port:" + port).getBytes(StandardCharsets.UTF_8));
        DomainId d = layer.domain(id);
        byPort.put(port, d);
        return d;
    }

    /** Forgets a removed port's domain. */
    void remove(String port) {
        byPort.remove(port);
    }

    /** The domain of {@code port}, or null when no such port exists. */
    public DomainId of(String port) {
        return byPort.get(port);
    }

    /** The port whose domain has {@code handle}, or null. */
    String portOf(int handle) {
        for (Map.Entry<String, DomainId> e : byPort.entrySet()) {
            if (e.getValue().handle() == handle) {
                return e.getKey();
            }
        }
        return null;
    }
}
