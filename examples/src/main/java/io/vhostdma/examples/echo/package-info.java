/**
 * Echo back end: an application that embeds vhost-dma through the reactive API
 * ({@code io.vhostdma.backend.reactive.VhostBackend}) and sends every packet a guest transmits
 * straight back into that same guest, unchanged and in order.
 *
 * <p>Contract: {@link io.vhostdma.examples.echo.EchoBackend#start} builds the back end from a
 * {@link io.vhostdma.config.VhostdConfig} object (no YAML), subscribes to {@code receiveLent(port)} for
 * every configured port and answers each batch with {@code send(port, batch)}, releasing the batch once the
 * send completed (a lent batch views the guest's own TX buffers until then; zero copy on receive). Up to four
 * batches are in flight per port ({@code merge(4)}); sends into a port complete in order. Packets that the guest's RX ring could not take are counted as
 * dropped, never retried. {@link io.vhostdma.examples.echo.EchoMain} is the command-line entry point
 * ({@code examples/scripts/run-echo.sh}).
 */
package io.vhostdma.examples.echo;
