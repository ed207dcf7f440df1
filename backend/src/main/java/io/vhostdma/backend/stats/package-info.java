/**
 * Counters of the data plane: per port and per queue packets, bytes and drops by reason.
 *
 * <p>Contract: every counter has exactly one writer, the worker that owns the queue; it stores
 * with {@code setOpaque} (no ordering needed beyond eventual visibility of a monotonically
 * growing value) and readers on other threads (stats printer, management) load with
 * {@code getOpaque}. Nothing here allocates on the write path.
 */
package io.vhostdma.backend.stats;
