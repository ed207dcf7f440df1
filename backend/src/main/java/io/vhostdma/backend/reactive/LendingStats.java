package io.vhostdma.backend.reactive;

/**
 * What a lending receiver ({@link VhostBackend#receiveLent}) holds and what its bound and invalidations did.
 *
 * @param batchesOutstanding lent batches emitted and not yet released (nor invalidated)
 * @param framesOutstanding  frames in those batches: guest TX descriptors the receiver holds
 * @param stalls             bursts the lending bound stopped (back-pressure on the guest's TX rings)
 * @param revokes            invalidations of the lent views (ring stops, memory-table changes, disconnects)
 * @param invalidatedFrames  frames of batches invalidated before the subscriber released them
 */
public record LendingStats(long batchesOutstanding, long framesOutstanding, long stalls, long revokes,
                           long invalidatedFrames) {
}
