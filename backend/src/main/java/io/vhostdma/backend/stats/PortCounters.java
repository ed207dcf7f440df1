package io.vhostdma.backend.stats;

import java.util.EnumMap;
import java.util.Map;

/** The counters of one port: one {@link QueueCounters} per rxq and txq. */
public final class PortCounters {
    private final String port;
    private final QueueCounters[] rx;
    private final QueueCounters[] tx;

    public PortCounters(String port, int queuePairs) {
        this.port = port;
        this.rx = new QueueCounters[queuePairs];
        this.tx = new QueueCounters[queuePairs];
        for (int q = 0; q < queuePairs; q++) {
            rx[q] = new QueueCounters("rxq" + q);
            tx[q] = new QueueCounters("txq" + q);
        }
    }

    public String port() {
        return port;
    }

    public int queuePairs() {
        return rx.length;
    }

    /** Counters of the guest's receive queue {@code q} (vhostd enqueues into it). */
    public QueueCounters rx(int q) {
        return rx[q];
    }

    /** Counters of the guest's transmit queue {@code q} (vhostd dequeues from it). */
    public QueueCounters tx(int q) {
        return tx[q];
    }

    /** A consistent-enough snapshot for printing (each value read once, opaque). */
    public Snapshot snapshot() {
        long txPkts = 0;
        long txBytes = 0;
        long rxPkts = 0;
        long rxBytes = 0;
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        long copies = 0;
        long copiesDone = 0;
        long copyErrors = 0;
        long macLimit = 0;
        long macTableFull = 0;
        long notifyDropped = 0;
        long budgetExceeded = 0;
        long unsealed = 0;
        long csumFixups = 0;
        long gsoSegmented = 0;
        long gsoFrames = 0;
        long[] lending = new long[4];
        for (int q = 0; q < rx.length; q++) {
            lending[0] += tx[q].lentFrames();
            lending[1] += tx[q].lendReturned();
            lending[2] += tx[q].lendStalls();
            lending[3] += tx[q].lendRevoked();
            csumFixups += rx[q].csumFixups();
            gsoSegmented += rx[q].gsoSegmentedFrames();
            gsoFrames += rx[q].gsoFrames();
            macLimit += tx[q].macLimitHits();
            macTableFull += tx[q].macTableFullHits();
            notifyDropped += tx[q].notifyDropped() + rx[q].notifyDropped();
            budgetExceeded += tx[q].budgetExceeded() + rx[q].budgetExceeded();
            unsealed += tx[q].dmaUnsealedFallbacks() + rx[q].dmaUnsealedFallbacks();
            copies += tx[q].dmaSubmitted() + rx[q].dmaSubmitted();
            copiesDone += tx[q].dmaCompleted() + rx[q].dmaCompleted();
            copyErrors += tx[q].dmaErrors() + rx[q].dmaErrors();
            txPkts += tx[q].packets();
            txBytes += tx[q].bytes();
            rxPkts += rx[q].packets();
            rxBytes += rx[q].bytes();
            for (DropReason r : DropReason.values()) {
                long n = tx[q].drops(r) + rx[q].drops(r);
                if (n != 0) {
                    drops.merge(r, n, Long::sum);
                }
            }
        }
        return new Snapshot(port, txPkts, txBytes, rxPkts, rxBytes, drops, copies, copiesDone, copyErrors, macLimit,
                macTableFull, notifyDropped, budgetExceeded, unsealed, csumFixups, gsoSegmented, gsoFrames, lending[0],
                lending[1], lending[2], lending[3]);
    }

    /** Totals of one port at one moment ({@code dmaUnsealedFallbacks}: see {@link QueueCounters#dmaUnsealedFallback()}). */
    public record Snapshot(String port, long guestTxPackets, long guestTxBytes, long guestRxPackets,
            long guestRxBytes, Map<DropReason, Long> drops, long dmaCopies, long dmaCompleted, long dmaErrors,
            long macLimit, long macTableFull, long notifyDropped, long budgetExceeded, long dmaUnsealedFallbacks,
            long csumFixups, long gsoSegmented, long gsoFrames, long lent, long lendReturned, long lendStalls,
            long lendRevoked) {
        public long totalDrops() {
            long n = 0;
            for (long v : drops.values()) {
                n += v;
            }
            return n;
        }

        /**
         * {@code port=vm1 guest_tx_pkts=.. guest_tx_bytes=.. guest_rx_pkts=.. guest_rx_bytes=.. drops=N drop.<reason>=N..},
         * then, when non-zero, the MAC-learning counts, the DMA fields, {@code notify_dropped=N},
         * {@code budget_exceeded=N}, {@code dma_unsealed_fallback=N} and the offload work done for the port's RX
         * queues: {@code csum_fixups=N gso_segmented=N gso_frames=N}, and a lending receiver's counts for its TX
         * queues: {@code lent=N lend_returned=N lend_stalls=N lend_revoked=N}.
         */
        public String fields() {
            StringBuilder sb = new StringBuilder(160);
            sb.append("port=").append(port)
                    .append(" guest_tx_pkts=").append(guestTxPackets)
                    .append(" guest_tx_bytes=").append(guestTxBytes)
                    .append(" guest_rx_pkts=").append(guestRxPackets)
                    .append(" guest_rx_bytes=").append(guestRxBytes)
                    .append(" drops=").append(totalDrops());
            drops.forEach((r, n) -> sb.append(" drop.").append(r.label()).append('=').append(n));
            if (macLimit != 0) {
                sb.append(" mac_limit=").append(macLimit);
            }
            if (macTableFull != 0) {
                sb.append(" mac_table_full=").append(macTableFull);
            }
            if (dmaCopies != 0) {
                sb.append(" dma_copies=").append(dmaCopies)
                        .append(" dma_completed=").append(dmaCompleted)
                        .append(" dma_errors=").append(dmaErrors)
                        .append(" dma_inflight=").append(Math.max(0, dmaCopies - dmaCompleted));
            }
            if (notifyDropped != 0) {
                sb.append(" notify_dropped=").append(notifyDropped);
            }
            if (budgetExceeded != 0) {
                sb.append(" budget_exceeded=").append(budgetExceeded);
            }
            if (dmaUnsealedFallbacks != 0) {
                sb.append(" dma_unsealed_fallback=").append(dmaUnsealedFallbacks);
            }
            if (csumFixups != 0 || gsoSegmented != 0 || gsoFrames != 0) {
                sb.append(" csum_fixups=").append(csumFixups).append(" gso_segmented=").append(gsoSegmented)
                        .append(" gso_frames=").append(gsoFrames);
            }
            if (lent != 0 || lendStalls != 0) {
                sb.append(" lent=").append(lent).append(" lend_returned=").append(lendReturned)
                        .append(" lend_stalls=").append(lendStalls).append(" lend_revoked=").append(lendRevoked);
            }
            return sb.toString();
        }
    }
}
