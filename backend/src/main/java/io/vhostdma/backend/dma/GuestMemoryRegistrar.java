package io.vhostdma.backend.dma;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.MemoryRegistry;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers one guest memory table with the DMA layer: each region as that guest's domain, IOVA =
 * vhostd's virtual address of the mapping (IOVA-as-VA), mapped to every device (a group peer's
 * channel reads it for a cross-VM copy). A region whose fd is a dmabuf is registered as a dmabuf.
 *
 * <p>A region whose size is not fixed (an unsealed memfd: the front end could shrink it under the
 * mapping) is not mapped to a device whose engine copies outside the JVM
 * ({@link DmaCapability#NATIVE_ACCESS}, e.g. {@code dpdk}) unless the config allows unsealed memory: the
 * data plane routes such memory around those channels (CPU path, host bounce), and should a copy reach
 * one anyway, the layer refuses it with an address error before the device sees it.
 */
final class GuestMemoryRegistrar {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dma");
    private static final long PAGE = 4096;

    /** @param registrations what was registered @param kind {@code external}, {@code dmabuf} or {@code mixed} */
    record Result(List<Registration> registrations, String kind) {
    }

    private GuestMemoryRegistrar() {
    }

    static Result register(MemoryRegistry registry, DomainId domain, GuestMemory memory, List<DmaDevice> devices,
                           String port, boolean allowUnsealed) {
        List<Registration> out = new ArrayList<>();
        int dmabufs = 0;
        try {
            for (int i = 0; i < memory.regionCount(); i++) {
                GuestRegion g = memory.region(i);
                if (g.segment().address() % PAGE != 0 || g.size() % PAGE != 0) {
                    // copies touching it fail with an address error and are counted as dma_error drops
                    LOG.log(Level.WARNING, "guest region not registered for DMA (not page-aligned): port=" + port
                            + " region=" + i + " gpa=0x" + Long.toHexString(g.gpa()) + " size=0x"
                            + Long.toHexString(g.size()));
                    continue;
                }
                Registration r = registerRegion(registry, domain, g);
                if (r.dmabufFd() >= 0) {
                    dmabufs++;
                }
                out.add(r);
                for (DmaDevice d : devices) {
                    if (g.fixedSize() || allowUnsealed || !d.info().has(DmaCapability.NATIVE_ACCESS)) {
                        registry.map(d, r);
                    }
                }
            }
        } catch (DmaException e) {
            for (Registration r : out) {
                registry.unregister(r);
            }
            throw e;
        }
        String kind = dmabufs == 0 ? "external" : dmabufs == out.size() ? "dmabuf" : "mixed";
        return new Result(List.copyOf(out), kind);
    }

    private static Registration registerRegion(MemoryRegistry registry, DomainId domain, GuestRegion g) {
        if (g.isDmabuf()) {
            return registry.registerDmabuf(domain, g.segment(), g.dmabufFd(), g.dmabufOffset(), null, PAGE);
        }
        return registry.register(domain, g.segment(), null, PAGE);
    }
}
