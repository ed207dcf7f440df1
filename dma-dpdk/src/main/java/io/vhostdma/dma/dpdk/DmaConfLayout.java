package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dma_conf} (rte_dmadev.h), the argument of {@code rte_dma_configure}:
 * <pre>
 * struct rte_dma_conf {
 *     uint16_t nb_vchans;
 *     bool enable_silent;
 * };
 * </pre>
 */
final class DmaConfLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_SHORT.withName("nb_vchans"),
        JAVA_BYTE.withName("enable_silent"),
        MemoryLayout.paddingLayout(1));
    static final long NB_VCHANS = LAYOUT.byteOffset(groupElement("nb_vchans"));
    static final long ENABLE_SILENT = LAYOUT.byteOffset(groupElement("enable_silent"));

    private DmaConfLayout() {
    }
}
