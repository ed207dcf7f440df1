package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.DmaDevices;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DPDK that is not installed is {@code Unavailable} with a clear message, not a crash. A JVM of its own. */
class DpdkMissingLibraryTest {
    @Test
    void shouldSayDpdkIsMissingWhenTheLibraryCannotBeOpened() {
        System.setProperty("vhostdma.dpdk.libraries", "librte_eal_not_installed.so.23,librte_dmadev.so.23");
        EngineOptions o = EngineOptions.defaults().withBacking("dma_skeleton0", List.of());
        try (DmaDevices dmas = new DmaDevices()) {
            DmaException e = assertThrows(DmaException.Unavailable.class, () -> dmas.create("d", "dpdk", o));
            assertTrue(e.getMessage().contains("DPDK libraries not usable") && e.getMessage().contains(
                "librte_eal_not_installed.so.23") && e.getMessage().contains("dpdk-dev"), e.getMessage());
            assertTrue(dmas.names().isEmpty());
        }
    }
}
