/**
 * Engine service-provider interface, seed 003's shape. A {@link io.vhostdma.dma.spi.DmaEngineProvider}
 * (found by {@link java.util.ServiceLoader}) creates a {@link io.vhostdma.dma.spi.DmaEngine} per device and
 * registers memory process-wide (VA, length, page size, IOVAs, dmabuf fd and offset: a
 * {@link io.vhostdma.dma.memory.Registration}); each engine maps and unmaps registrations for its device
 * and offers one {@link io.vhostdma.dma.spi.EngineChannel} per virtual channel.
 *
 * <pre>
 *   MemoryRegistry.register ──> provider.register(r)        (e.g. rte_extmem_register)
 *   MemoryRegistry.map      ──> engine.map(r)               (e.g. rte_dev_dma_map), then the table holds r
 *   DmaChannel.copy ── layer checks ──> EngineChannel.copy(segment, offset, iova, ...)   (translated)
 *   DmaChannel.completed ──> EngineChannel.completed / completedStatus                   (engine's own)
 *   MemoryRegistry.unmap    ──> table drops r, ops on r drain, then engine.unmap(r)
 *   MemoryRegistry.unregister ──> ... then provider.unregister(r)
 * </pre>
 * The checks (the software IOMMU, revocation, access groups) stay in the layer: an engine is handed only
 * ops on memory registered and mapped to its device; it decides where and when they execute and reports
 * their completions in order, as a dmadev does.
 */
package io.vhostdma.dma.spi;
