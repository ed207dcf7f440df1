package io.vhostdma.backend.reactive;

/**
 * How a receive subscription ({@link VhostBackend#receive(String, ReceiveOptions)},
 * {@link VhostBackend#receiveLent(String, ReceiveOptions)}) takes a port's guest TX frames.
 *
 * @param keepOffloads false ({@link #DEFAULT}): a frame the guest sent with offload fields reaches the receiver
 *     completed (its partial checksum, counted {@code csum_fixups}) or segmented (a TSO frame, counted
 *     {@code gso_segmented}), every frame's fields {@link PacketBatch.Offload#NONE}. true ({@link #OFFLOADS}): such a
 *     frame reaches it unmodified — the checksum partial, a TSO frame whole (up to 64 KiB, in a run of receive
 *     slots) — with the guest's validated fields ({@link PacketBatch#offloadFlags} ...), as a guest that negotiated
 *     GUEST_CSUM and GUEST_TSO4/6 (+ GUEST_ECN) would get it; a malformed header is still the drop
 *     {@code tx_bad_offload}. A lending receiver then lends such a frame in place like any other.
 */
public record ReceiveOptions(boolean keepOffloads) {
    /** Frames completed and segmented by vhostd (what {@link VhostBackend#receive(String)} does). */
    public static final ReceiveOptions DEFAULT = new ReceiveOptions(false);
    /** Frames as the guest sent them, with their offload fields. */
    public static final ReceiveOptions OFFLOADS = new ReceiveOptions(true);
}
