package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaDevices;
import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An EAL that cannot start is an error that names the cause, caught by the probe process before this JVM
 * runs the EAL; the JVM carries on and later attempts give the same answer. A JVM of its own.
 */
class DpdkEalFailureTest {
    @Test
    void shouldReportEalFailureWithItsOutputWhenArgumentsAreBad() {
        try {
            DpdkLibrary.load();
        } catch (DmaException.Unavailable e) {
            System.out.println("SKIPPED: dpdk: " + e.getMessage());
            Assumptions.abort(e.getMessage());
        }
        EngineOptions bad = EngineOptions.defaults().withBacking("dma_skeleton0",
            List.of("--no-huge", "-m", "64", "--no-pci", "--bogus-option", "--vdev=dma_skeleton0"));
        try (DmaDevices dmas = new DmaDevices()) {
            DmaException first = assertThrows(DmaException.class, () -> dmas.create("d", "dpdk", bad));
            assertEquals(DmaErrno.EIO, first.errno());
            assertTrue(first.getMessage().contains("DPDK EAL did not start") && first.getMessage().contains("probe")
                && first.getMessage().contains("--bogus-option"), first.getMessage());
            assertTrue(first.getMessage().contains("unrecognized option"), "the probe's output: " + first.getMessage());
            DmaException again = assertThrows(DmaException.class, () -> dmas.create("d", "dpdk", bad));
            assertSame(first, again, "the EAL is not retried in this process");
            assertEquals(null, DpdkRuntime.current());
        }
    }
}
