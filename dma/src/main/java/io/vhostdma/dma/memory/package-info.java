/**
 * Domains and the memory registry: {@link io.vhostdma.dma.memory.DomainId} (UUID + 16-bit handle),
 * {@link io.vhostdma.dma.memory.Domains} (handle assignment), {@link io.vhostdma.dma.memory.MemoryRegistry}
 * (external-memory and dmabuf registrations, per-device map/unmap, revocation, busy refusal) and
 * {@link io.vhostdma.dma.memory.MemoryTable}, the immutable per-device IOVA table the engines translate
 * with (the software IOMMU). See the {@code io.vhostdma.dma} package documentation for the rules.
 */
package io.vhostdma.dma.memory;
