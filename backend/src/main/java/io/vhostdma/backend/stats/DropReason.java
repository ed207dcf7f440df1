package io.vhostdma.backend.stats;

import io.vhostdma.vhost.virtq.PathStatus;

/** Why a packet was dropped. Every dropped packet is counted under exactly one reason. */
public enum DropReason {
    /** The destination RX ring had no (or not enough) buffers. */
    RX_NO_BUFFERS("rx_no_buffers"),
    /**
     * Without mergeable RX buffers, the destination chain was smaller than header + frame; or the
     * frame is longer than the MTU the guest set (NET_SET_MTU) plus the Ethernet header.
     */
    RX_TOO_BIG("rx_too_big"),
    /** The destination RX ring is disabled or not started. */
    RX_NOT_READY("rx_not_ready"),
    /** The destination RX ring was found broken (guest error) while delivering. */
    RX_RING_ERROR("rx_ring_error"),
    /** The guest transmitted on a disabled ring: consumed and discarded. */
    TX_DISABLED("tx_disabled"),
    /** The TX chain was not a valid frame (shorter than the header, too long, writable parts). */
    TX_BAD_FRAME("tx_bad_frame"),
    /**
     * The frame's virtio-net header asked for an offload that is malformed or was not negotiated (csum_start or
     * hdr_len past the frame, gso_size 0 with a GSO type, an unknown or UFO/USO gso_type), or software segmentation
     * found the frame's headers disagreeing with it (counted on the TX queue, or on the RX queue for a frame that
     * came from another worker).
     */
    TX_BAD_OFFLOAD("tx_bad_offload"),
    /** The frame could not cross to another worker (hand-off queue full or frame too large). */
    HANDOFF_FULL("handoff_full"),
    /** Nowhere to deliver: the switch knows no other port that is up. */
    NO_DESTINATION("no_destination"),
    /** A DMA copy of the packet failed (the channel reported an error status): dropped, descriptors returned. */
    DMA_ERROR("dma_error"),
    /** The bound DMA channel had no room for the packet's copies. */
    DMA_BUSY("dma_busy"),
    /**
     * The packet needed a host buffer (DMA outside an access group, or sink) and none was free, or the
     * frame is larger than a staging slot.
     */
    NO_HOST_BUFFER("no_host_buffer"),
    /**
     * The port's guest TX frames go to a reactive receiver ({@code VhostBackend.receive}) and its
     * bounded ring had no free slot, or the frame is larger than a slot: the frame was taken from the
     * guest and discarded.
     */
    RECEIVER_FULL("receiver_full"),
    /**
     * Port security: the port has {@code allowed-macs} and the frame's source MAC is not one of them
     * (counted on the {@code txq} it was taken from).
     */
    TX_SPOOFED("tx_spoofed"),
    /**
     * The ring used up its descriptor budget: a TX chain needing more descriptors walked than its frame may have
     * (returned with used len 0), or a frame for an RX ring that is out of budget for the duty cycle.
     */
    BUDGET("budget");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /**
     * The reason a frame for an RX ring is dropped with data-path status {@code status} (a negative
     * {@link io.vhostdma.vhost.virtq.PathStatus}); a status that broke the ring is {@link #RX_RING_ERROR}.
     */
    public static DropReason ofRx(int status) {
        return switch (status) {
            case PathStatus.NO_BUFFERS, PathStatus.EMPTY -> RX_NO_BUFFERS;
            case PathStatus.TOO_BIG -> RX_TOO_BIG;
            case PathStatus.NOT_READY, PathStatus.ERR_NOT_ATTACHED -> RX_NOT_READY;
            case PathStatus.OVER_BUDGET, PathStatus.FRAME_OVER_BUDGET -> BUDGET;
            case PathStatus.DMA_BUSY -> DMA_BUSY;
            case PathStatus.NO_HOST_BUFFER -> NO_HOST_BUFFER;
            case PathStatus.HANDOFF_FULL -> HANDOFF_FULL;
            case PathStatus.DMA_ERROR -> DMA_ERROR;
            default -> RX_RING_ERROR;
        };
    }

    /** The stable name used in stats lines and metrics. */
    public String label() {
        return label;
    }
}
