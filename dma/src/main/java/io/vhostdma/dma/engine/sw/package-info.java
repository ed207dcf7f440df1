/**
 * The {@code sw} engine: an engine thread per device that consumes descriptor rings and posts
 * completions asynchronously, standing in for hardware. It spins only while it has work and parks when
 * idle; the doorbell wakes it. Test knobs (error injection by op number or probability, completion
 * delay) come from {@link io.vhostdma.dma.EngineOptions}.
 */
package io.vhostdma.dma.engine.sw;
