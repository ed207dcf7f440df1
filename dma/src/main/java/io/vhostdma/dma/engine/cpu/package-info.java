/**
 * The {@code cpu} engine: copies inside the enqueue call on the caller's thread and reports at the next
 * completion poll: the no-offload baseline through the same API and checks as every other engine.
 */
package io.vhostdma.dma.engine.cpu;
