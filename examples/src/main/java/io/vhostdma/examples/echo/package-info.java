/**
 * Echo back end: an application that embeds vhost-dma through the reactive API
 * ({@code io.vhostdma.backend.reactive.VhostBackend}) and sends every packet a guest transmits
 * straight back into that same guest, unchanged and in order.
 *
 * <p>Contract: {@link io.vhostdma.examples.echo.EchoBackend#start} builds the back end from a
 * {@link io.vhostdma.config.VhostdConfig} object (no YAML), subscribes to {@code receive(port)} for
 * every configured port and answers each batch with {@code send(port, batch)}. The pipeline uses
 * {@code transformToUniAndConcatenate}: the next batch is requested only after the previous
 * {@code send} completed, which is exactly the reactive API's buffer-validity rule (a batch's buffers
 * stay valid until the next request). Packets that the guest's RX ring could not take are counted as
 * dropped, never retried. {@link io.vhostdma.examples.echo.EchoMain} is the command-line entry point
 * ({@code examples/scripts/run-echo.sh}).
 */
package io.vhostdma.examples.echo;
