package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Registered memory as DPDK's external memory (seed 003): {@code rte_extmem_register(va, len, iovas,
 * n_pages, page_sz)} with one IOVA per page (vhostd registers IOVA = VA), and
 * {@code rte_extmem_unregister(va, len)} once every device unmapped it. The EAL keeps each registration
 * as an external memseg list, which {@code rte_dev_dma_map} requires of the memory it maps.
 */
final class ExtMem {
    private final DpdkRuntime rt;

    ExtMem(DpdkRuntime rt) {
        this.rt = rt;
    }

    void register(Registration r) {
        int pages = r.pageCount();
        try (Arena arena = Arena.ofShared()) { // read by the control thread
            MemorySegment iovas = arena.allocate(JAVA_LONG, pages);
            for (int i = 0; i < pages; i++) {
                iovas.setAtIndex(JAVA_LONG, i, r.pageIova(i));
            }
            MemorySegment va = MemorySegment.ofAddress(r.va());
            rt.check("rte_extmem_register va=0x" + Long.toHexString(r.va()) + " len=" + r.length() + " pages=" + pages
                + " page_sz=" + r.pageSize(), true,
                () -> (int) rt.lib.extmemRegister.invokeExact(va, r.length(), iovas, pages, r.pageSize()));
        }
    }

    void unregister(Registration r) {
        MemorySegment va = MemorySegment.ofAddress(r.va());
        rt.check("rte_extmem_unregister va=0x" + Long.toHexString(r.va()) + " len=" + r.length(), true,
            () -> (int) rt.lib.extmemUnregister.invokeExact(va, r.length()));
    }

    /** @return whether the EAL holds {@code va} in a memseg list (its own memory or external memory) */
    boolean known(long va) {
        return rt.control.call(() -> {
            try {
                MemorySegment msl = (MemorySegment) rt.lib.virt2memsegList.invokeExact(MemorySegment.ofAddress(va));
                return msl.address() != 0;
            } catch (Throwable t) {
                throw Dpdk.unexpected(t);
            }
        });
    }
}
