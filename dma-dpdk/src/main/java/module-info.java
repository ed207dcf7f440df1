/**
 * The {@code dpdk} DMA engine: reached through the engine SPI only, so it exports nothing.
 */
module io.vhostdma.dma.dpdk {
    requires io.vhostdma.dma;

    provides io.vhostdma.dma.spi.DmaEngineProvider with io.vhostdma.dma.dpdk.DpdkEngineProvider;
}
