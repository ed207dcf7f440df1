/**
 * Small runnable programs that use vhost-dma's public APIs, one package per Java example:
 * {@code io.vhostdma.examples.echo} embeds the back end through the reactive API and echoes every
 * guest's packets back into it. The script examples (two QEMU guests, DPDK testpmd, live rebinding
 * with {@code vhostctl}) live in {@code examples/scripts/}; {@code examples/README.md} says how to run
 * each and which test exercises it.
 */
package io.vhostdma.examples;
