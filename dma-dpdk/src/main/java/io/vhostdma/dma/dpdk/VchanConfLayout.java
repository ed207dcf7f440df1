package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dma_vchan_conf} (rte_dmadev.h), the argument of {@code rte_dma_vchan_setup}. The two
 * port parameters (40 bytes each: {@code enum rte_dma_port_type port_type} and a union of bus-specific
 * fields) matter only for device transfers; zeroed they are {@code RTE_DMA_PORT_NONE}.
 * <pre>
 * struct rte_dma_vchan_conf {
 *     enum rte_dma_direction direction;   // RTE_DMA_DIR_MEM_TO_MEM = 0
 *     uint16_t nb_desc;
 *     struct rte_dma_port_param src_port;
 *     struct rte_dma_port_param dst_port;
 * };
 * </pre>
 */
final class VchanConfLayout {
    private static final MemoryLayout PORT = MemoryLayout.structLayout(
        JAVA_INT.withName("port_type"), MemoryLayout.paddingLayout(36));
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_INT.withName("direction"),
        JAVA_SHORT.withName("nb_desc"),
        MemoryLayout.paddingLayout(2),
        PORT.withName("src_port"),
        PORT.withName("dst_port"));
    static final long DIRECTION = LAYOUT.byteOffset(groupElement("direction"));
    static final long NB_DESC = LAYOUT.byteOffset(groupElement("nb_desc"));
    /** {@code RTE_DMA_DIR_MEM_TO_MEM}. */
    static final int DIR_MEM_TO_MEM = 0;

    private VchanConfLayout() {
    }
}
