/**
 * Engine service-provider interface: a {@link io.vhostdma.dma.spi.DmaEngineProvider} (found by
 * {@link java.util.ServiceLoader}) creates a {@link io.vhostdma.dma.spi.DmaEngine} per device. The engine
 * decides where and when descriptors execute; what an op does (translation, access rules, byte movement,
 * status) is common code in {@code io.vhostdma.dma.core}, so capacity, ordering and status semantics are
 * identical across engines.
 */
package io.vhostdma.dma.spi;
