package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dma_info} (rte_dmadev.h), filled by {@code rte_dma_info_get}:
 * <pre>
 * struct rte_dma_info {
 *     const char *dev_name;
 *     uint64_t dev_capa;    // RTE_DMA_CAPA_*
 *     uint16_t max_vchans;
 *     uint16_t max_desc;
 *     uint16_t min_desc;
 *     uint16_t max_sges;
 *     int16_t  numa_node;
 *     uint16_t nb_vchans;
 * };
 * </pre>
 */
final class DmaInfoLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        ADDRESS.withName("dev_name"),
        JAVA_LONG.withName("dev_capa"),
        JAVA_SHORT.withName("max_vchans"),
        JAVA_SHORT.withName("max_desc"),
        JAVA_SHORT.withName("min_desc"),
        JAVA_SHORT.withName("max_sges"),
        JAVA_SHORT.withName("numa_node"),
        JAVA_SHORT.withName("nb_vchans"),
        MemoryLayout.paddingLayout(4));
    static final long DEV_NAME = LAYOUT.byteOffset(groupElement("dev_name"));
    static final long DEV_CAPA = LAYOUT.byteOffset(groupElement("dev_capa"));
    static final long MAX_VCHANS = LAYOUT.byteOffset(groupElement("max_vchans"));
    static final long MAX_DESC = LAYOUT.byteOffset(groupElement("max_desc"));
    static final long MIN_DESC = LAYOUT.byteOffset(groupElement("min_desc"));
    static final long MAX_SGES = LAYOUT.byteOffset(groupElement("max_sges"));

    /** {@code RTE_DMA_CAPA_MEM_TO_MEM}. */
    static final long CAPA_MEM_TO_MEM = 1L;
    /** {@code RTE_DMA_CAPA_SVA}: the device may be handed any virtual address. */
    static final long CAPA_SVA = 1L << 4;
    /** {@code RTE_DMA_CAPA_HANDLES_ERRORS}. */
    static final long CAPA_HANDLES_ERRORS = 1L << 6;
    /** {@code RTE_DMA_CAPA_OPS_COPY}, {@code _COPY_SG}, {@code _FILL}: bits 32..34, as ours. */
    static final long CAPA_OPS = 7L << 32;

    private DmaInfoLayout() {
    }
}
