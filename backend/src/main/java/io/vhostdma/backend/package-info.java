/**
 * The vhostd daemon: command line, start-up and shutdown, the per-port control plane wiring, and
 * the per-second stats line.
 *
 * <p>Exit codes of {@link io.vhostdma.backend.Main}: 0 clean shutdown, 1 runtime failure, 2 config
 * or usage error (reported before any socket is touched).
 */
package io.vhostdma.backend;
