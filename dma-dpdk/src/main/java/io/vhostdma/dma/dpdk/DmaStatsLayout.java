package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct rte_dma_stats} (rte_dmadev.h), filled by {@code rte_dma_stats_get}:
 * <pre>
 * struct rte_dma_stats {
 *     uint64_t submitted;   // ops submitted to hardware
 *     uint64_t completed;   // completed, failed ones included
 *     uint64_t errors;      // failed
 * };
 * </pre>
 */
final class DmaStatsLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("submitted"),
        JAVA_LONG.withName("completed"),
        JAVA_LONG.withName("errors"));
    static final long SUBMITTED = LAYOUT.byteOffset(groupElement("submitted"));
    static final long COMPLETED = LAYOUT.byteOffset(groupElement("completed"));
    static final long ERRORS = LAYOUT.byteOffset(groupElement("errors"));

    private DmaStatsLayout() {
    }
}
