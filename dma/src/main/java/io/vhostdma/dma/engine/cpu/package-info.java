/**
 * The {@code cpu} engine: describes each op at enqueue and executes the submitted ops as one batch inside
 * {@code submit()} on the caller's thread, reporting them at the next completion poll: the no-offload
 * baseline through the same API and checks as every other engine.
 */
package io.vhostdma.dma.engine.cpu;
