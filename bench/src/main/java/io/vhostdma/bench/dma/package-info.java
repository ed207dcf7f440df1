/**
 * JMH benchmarks of the DMA layer: copies per second through each engine against a plain
 * {@code MemorySegment.copy} loop on the same thread. Run with {@code bench/jmh.sh}.
 */
package io.vhostdma.bench.dma;
