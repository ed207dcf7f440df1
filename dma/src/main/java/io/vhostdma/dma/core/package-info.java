/**
 * Internal machinery shared by all engines (public only so engines in other packages can use it): the
 * struct-of-arrays {@link io.vhostdma.dma.core.DescriptorRing} with its padded single-writer counters,
 * the {@link io.vhostdma.dma.core.OpExecutor} (translation, revocation and domain checks, byte movement,
 * failure statuses; per batch it reads the device tables once and keeps the last route, the runs and the
 * handle bits last verified, so a repeat op costs a few compares before its copy), the {@link io.vhostdma.dma.core.ExecutionGate} used for quiescence without per-op atomics,
 * per-channel {@link io.vhostdma.dma.core.ChannelCounters} and the test {@link io.vhostdma.dma.core.FaultInjector}.
 * Not an API for the vhost data path.
 */
package io.vhostdma.dma.core;
