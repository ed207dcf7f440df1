package io.vhostdma.backend.control;

/**
 * One mapped guest memory region.
 *
 * @param guestPhysAddr guest physical address of its first byte
 * @param size          bytes
 * @param hostAddr      where vhostd mapped it (its IOVA)
 * @param kind          how it is registered with the DMA layer: {@code external}, {@code dmabuf}, or {@code none}
 */
public record RegionView(long guestPhysAddr, long size, long hostAddr, String kind) {
}
