/**
 * Internal machinery shared by all engines (public only so engines in other packages can use it): the
 * struct-of-arrays {@link io.vhostdma.dma.core.DescriptorRing} with its padded single-writer counters,
 * the {@link io.vhostdma.dma.core.OpExecutor} (translation, revocation and domain checks, byte movement,
 * status), the {@link io.vhostdma.dma.core.ExecutionGate} used for quiescence without per-op atomics,
 * per-channel {@link io.vhostdma.dma.core.ChannelCounters} and the test {@link io.vhostdma.dma.core.FaultInjector}.
 * Not an API for the vhost data path.
 */
package io.vhostdma.dma.core;
