package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dma_sge} (rte_dmadev.h), one scatter-gather entry of {@code rte_dma_copy_sg}:
 * <pre>
 * struct rte_dma_sge {
 *     rte_iova_t addr;
 *     uint32_t length;
 * };
 * </pre>
 */
final class SgeLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("addr"),
        JAVA_INT.withName("length"),
        MemoryLayout.paddingLayout(4));
    static final long ADDR = LAYOUT.byteOffset(groupElement("addr"));
    static final long LENGTH = LAYOUT.byteOffset(groupElement("length"));

    private SgeLayout() {
    }
}
