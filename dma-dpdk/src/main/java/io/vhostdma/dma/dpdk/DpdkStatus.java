package io.vhostdma.dma.dpdk;

import io.vhostdma.dma.DmaStatus;

/**
 * {@code enum rte_dma_status_code} (rte_dmadev.h) to {@link DmaStatus}: SUCCESSFUL 0, USER_ABORT 1,
 * NOT_ATTEMPTED 2, INVALID_SRC_ADDR 3, INVALID_DST_ADDR 4, INVALID_ADDR 5, INVALID_LENGTH 6,
 * INVALID_OPCODE 7, BUS_READ_ERROR 8, BUS_WRITE_ERROR 9, BUS_ERROR 10, DATA_POISION 11,
 * DESCRIPTOR_READ_ERROR 12, DEV_LINK_ERROR 13, PAGE_FAULT 14, ERROR_UNKNOWN 0x100. A device's address
 * errors are rare here (the layer hands it only mapped memory), so the faults of the memory system map to
 * {@code BUS_ERROR}.
 */
final class DpdkStatus {
    private static final int[] TABLE = {
        DmaStatus.SUCCESS, DmaStatus.USER_ABORT, DmaStatus.NOT_ATTEMPTED, DmaStatus.INVALID_SRC_ADDR,
        DmaStatus.INVALID_DST_ADDR, DmaStatus.INVALID_SRC_ADDR, DmaStatus.INVALID_LENGTH, DmaStatus.ERROR_UNKNOWN,
        DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR,
        DmaStatus.BUS_ERROR, DmaStatus.BUS_ERROR};

    private DpdkStatus() {
    }

    /** @param code an {@code rte_dma_status_code} @return the {@link DmaStatus} */
    static int of(int code) {
        return code >= 0 && code < TABLE.length ? TABLE[code] : DmaStatus.ERROR_UNKNOWN;
    }
}
