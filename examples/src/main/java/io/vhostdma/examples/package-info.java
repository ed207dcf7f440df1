/**
 * Small runnable programs that use vhost-dma's public APIs (the embedded backend, the reactive API,
 * interop scripts). Empty until the management and embedding APIs exist; the runnable walk-through
 * today is {@code bin/vhostd demo} ({@code io.vhostdma.backend.demo}).
 */
package io.vhostdma.examples;
