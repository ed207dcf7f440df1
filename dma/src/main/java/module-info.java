/**
 * The dmadev-shaped DMA API and the engine SPI, with the built-in {@code cpu} and {@code sw} engines. Exported: the
 * API ({@code io.vhostdma.dma}) and the SPI ({@code .spi}, {@code .memory}, and {@code .sg}, whose gather lists
 * describe an engine's copies). Internal: the device and channel implementation ({@code .core}), the engines
 * ({@code .engine.*}); the access groups ({@code .access}) only to the back end, which manages them
 * (docs/embedding.md).
 */
module io.vhostdma.dma {
    exports io.vhostdma.dma;
    exports io.vhostdma.dma.spi;
    exports io.vhostdma.dma.memory;
    exports io.vhostdma.dma.sg; // the SPI's copies are described by GatherLists
    exports io.vhostdma.dma.access to io.vhostdma.backend;

    uses io.vhostdma.dma.spi.DmaEngineProvider;
    provides io.vhostdma.dma.spi.DmaEngineProvider
            with io.vhostdma.dma.engine.cpu.CpuEngineProvider, io.vhostdma.dma.engine.sw.SwEngineProvider;
}
