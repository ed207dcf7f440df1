/**
 * Internal machinery of the layer (public only so the device classes in other packages can use it): the
 * {@link io.vhostdma.dma.core.OpGuard} that checks every op on its channel's user thread before an engine
 * sees it (translation through the device's {@link io.vhostdma.dma.memory.MemoryTable}, revocation, domain
 * rules; per batch it reads the device tables once and keeps the last route, the runs and the handle bits
 * last verified, so a repeat op costs a few compares), the {@link io.vhostdma.dma.core.DescriptorRing}
 * recording each channel's outstanding ops (ranges for the busy scans, domain pairs for the byte counters,
 * the ops refused by the checks), the {@link io.vhostdma.dma.core.ExecutionGate} used for quiescence
 * without per-op atomics, per-channel {@link io.vhostdma.dma.core.ChannelCounters} and padded
 * single-writer counters. Not an API for the vhost data path, nor for engines (their SPI is
 * {@code io.vhostdma.dma.spi}).
 */
package io.vhostdma.dma.core;
