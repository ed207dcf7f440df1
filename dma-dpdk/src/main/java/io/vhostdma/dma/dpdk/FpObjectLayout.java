package io.vhostdma.dma.dpdk;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * One entry of DPDK 22.11's fast-path table {@code rte_dma_fp_objs} (rte_dmadev_core.h), indexed by
 * device id; the driver fills it when it creates the device:
 * <pre>
 * struct rte_dma_fp_object {
 *     void *dev_private;
 *     rte_dma_copy_t             copy;
 *     rte_dma_copy_sg_t          copy_sg;
 *     rte_dma_fill_t             fill;
 *     rte_dma_submit_t           submit;
 *     rte_dma_completed_t        completed;
 *     rte_dma_completed_status_t completed_status;
 *     rte_dma_burst_capacity_t   burst_capacity;
 * } __rte_aligned(128);
 * extern struct rte_dma_fp_object *rte_dma_fp_objs;
 * </pre>
 * The inline {@code rte_dma_copy(dev_id, ...)} of rte_dmadev.h is {@code obj->copy(obj->dev_private, ...)}
 * with {@code obj = &rte_dma_fp_objs[dev_id]}; the engine makes the same calls.
 */
final class FpObjectLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
        ADDRESS.withName("dev_private"),
        ADDRESS.withName("copy"),
        ADDRESS.withName("copy_sg"),
        ADDRESS.withName("fill"),
        ADDRESS.withName("submit"),
        ADDRESS.withName("completed"),
        ADDRESS.withName("completed_status"),
        ADDRESS.withName("burst_capacity"),
        MemoryLayout.paddingLayout(64)).withByteAlignment(128);
    static final long DEV_PRIVATE = offset("dev_private");
    static final long COPY = offset("copy");
    static final long COPY_SG = offset("copy_sg");
    static final long FILL = offset("fill");
    static final long SUBMIT = offset("submit");
    static final long COMPLETED = offset("completed");
    static final long COMPLETED_STATUS = offset("completed_status");
    static final long BURST_CAPACITY = offset("burst_capacity");

    private FpObjectLayout() {
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
