package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhostdma.dma.DmaStatus;
import org.junit.jupiter.api.Test;

/**
 * The struct layouts against DPDK 22.11's headers: the expected numbers were printed by a C program
 * compiled against /usr/include/dpdk (sizeof and offsetof of each field).
 */
class LayoutsTest {
    @Test
    void shouldMatchRteDmaFpObjectWhenLaidOut() {
        assertEquals(128, FpObjectLayout.LAYOUT.byteSize());
        assertEquals(0, FpObjectLayout.DEV_PRIVATE);
        assertEquals(8, FpObjectLayout.COPY);
        assertEquals(16, FpObjectLayout.COPY_SG);
        assertEquals(24, FpObjectLayout.FILL);
        assertEquals(32, FpObjectLayout.SUBMIT);
        assertEquals(40, FpObjectLayout.COMPLETED);
        assertEquals(48, FpObjectLayout.COMPLETED_STATUS);
        assertEquals(56, FpObjectLayout.BURST_CAPACITY);
    }

    @Test
    void shouldMatchControlStructsWhenLaidOut() {
        assertEquals(32, DmaInfoLayout.LAYOUT.byteSize());
        assertEquals(8, DmaInfoLayout.DEV_CAPA);
        assertEquals(16, DmaInfoLayout.MAX_VCHANS);
        assertEquals(18, DmaInfoLayout.MAX_DESC);
        assertEquals(20, DmaInfoLayout.MIN_DESC);
        assertEquals(22, DmaInfoLayout.MAX_SGES);
        assertEquals(4, DmaConfLayout.LAYOUT.byteSize());
        assertEquals(2, DmaConfLayout.ENABLE_SILENT);
        assertEquals(88, VchanConfLayout.LAYOUT.byteSize());
        assertEquals(4, VchanConfLayout.NB_DESC);
        assertEquals(24, DmaStatsLayout.LAYOUT.byteSize());
        assertEquals(16, DmaStatsLayout.ERRORS);
        assertEquals(16, SgeLayout.LAYOUT.byteSize());
        assertEquals(8, SgeLayout.LENGTH);
        assertEquals(56, DevIteratorLayout.LAYOUT.byteSize());
    }

    @Test
    void shouldMapDpdkStatusCodesWhenCompletionsReportThem() {
        assertEquals(DmaStatus.SUCCESS, DpdkStatus.of(0));
        assertEquals(DmaStatus.INVALID_SRC_ADDR, DpdkStatus.of(3));
        assertEquals(DmaStatus.INVALID_DST_ADDR, DpdkStatus.of(4));
        assertEquals(DmaStatus.INVALID_LENGTH, DpdkStatus.of(6));
        assertEquals(DmaStatus.BUS_ERROR, DpdkStatus.of(10));
        assertEquals(DmaStatus.BUS_ERROR, DpdkStatus.of(14));
        assertEquals(DmaStatus.ERROR_UNKNOWN, DpdkStatus.of(0x100));
        assertEquals(DmaStatus.ERROR_UNKNOWN, DpdkStatus.of(-1));
    }
}
