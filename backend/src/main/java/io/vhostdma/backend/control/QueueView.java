package io.vhostdma.backend.control;

import java.util.Map;

/**
 * One virtqueue of a port, with its counters.
 *
 * @param port         port name
 * @param queue        {@code rxqN} (vhostd enqueues) or {@code txqN} (vhostd dequeues)
 * @param ringIndex    vhost-user ring index (rxqN = 2N, txqN = 2N + 1)
 * @param started      whether a worker serves it now
 * @param worker       the worker owning it
 * @param channel      bound DMA channel {@code dev/ch}, or null for CPU copies
 * @param packets      packets moved
 * @param bytes        bytes moved
 * @param drops        drops by reason label ({@code rx_no_buffers}, …), reasons with a count only
 * @param ringErrors   times the ring was stopped on a guest error
 * @param dmaSubmitted copies submitted
 * @param dmaCompleted copies completed (including failed ones)
 * @param dmaErrors    copies that failed
 * @param dmaInFlight  copies submitted and not completed
 * @param macLimit     frames forwarded whose new source MAC was not learned: the port held its {@code mac-limit}
 * @param macTableFull frames forwarded whose new source MAC was not learned: no free MAC-table slot
 * @param notifyDropped  guest notifications (call/err eventfd signals) the kernel refused
 * @param budgetExceeded duty cycles in which the ring used up a descriptor budget
 * @param dmaUnsealedFallbacks starts at which the bound channel was not used because the guest memory is not
 *                     sealed against shrinking and the channel's engine copies outside the JVM (CPU copies instead)
 * @param csumFixups   RX: frames whose partial checksum vhostd completed in software (receiver without GUEST_CSUM)
 * @param gsoSegmented RX: GSO frames vhostd segmented in software (receiver without the GUEST_TSO4/6 they need)
 * @param gsoFrames    RX: GSO frames delivered whole, with their GSO header
 * @param lent         TX: frames lent in place to a lending reactive receiver ({@code receiveLent})
 * @param lendReturned TX: lent chains given back to the guest after the receiver released them
 * @param lendStalls   TX: bursts the lending bound stopped (back-pressure on the guest's TX ring)
 * @param lendRevoked  TX: lent chains given back early, their views revoked (ring stop, memory-table change,
 *                     disconnect, the receiver's end); {@code lent - lendReturned - lendRevoked} are held now
 */
public record QueueView(String port, String queue, int ringIndex, boolean started, int worker, String channel,
                        long packets, long bytes, Map<String, Long> drops, long ringErrors, long dmaSubmitted,
                        long dmaCompleted, long dmaErrors, long dmaInFlight, long macLimit, long macTableFull,
                        long notifyDropped, long budgetExceeded, long dmaUnsealedFallbacks, long csumFixups,
                        long gsoSegmented, long gsoFrames, long lent, long lendReturned, long lendStalls,
                        long lendRevoked) {

    /** A queue with only the packet and DMA counters (views that carry no others). */
    public QueueView(String port, String queue, int ringIndex, boolean started, int worker, String channel,
                     long packets, long bytes, Map<String, Long> drops, long ringErrors, long dmaSubmitted,
                     long dmaCompleted, long dmaErrors, long dmaInFlight) {
        this(port, queue, ringIndex, started, worker, channel, packets, bytes, drops, ringErrors, dmaSubmitted,
                dmaCompleted, dmaErrors, dmaInFlight, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
