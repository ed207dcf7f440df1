package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.forward.MacTable;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.vhost.net.EthernetHeader;
import io.vhostdma.dma.sg.GatherList;

/**
 * The L2 learning switch, one per segment (an access group, or the default segment of ports in no
 * group): drops a frame whose source MAC the port may not send from ({@code allowed-macs}, counted
 * {@code tx_spoofed}), learns the source MAC (within the port's {@code mac-limit}; a MAC not learned
 * is counted and the frame still forwarded), delivers known unicast to its port when that port is in the
 * sender's segment and floods broadcast, multicast and unknown unicast to every other connected port
 * of the segment. Nothing crosses segments. The decision uses a local copy of the Ethernet header,
 * read once.
 */
final class SwitchForwarder implements Forwarder {
    private final DataPlaneImpl plane;
    private final MacTable macs;

    SwitchForwarder(DataPlaneImpl plane, MacTable macs) {
        this.plane = plane;
        this.macs = macs;
    }

    @Override
    public void forward(Worker worker, RingContext source, GatherList frame, int len) {
        EthernetHeader eth = worker.ethernet;
        if (!eth.parse(frame)) {
            source.counters.drop(DropReason.TX_BAD_FRAME);
            return;
        }
        int src = source.port.id();
        long srcMac = eth.src();
        long dstMac = eth.dst();
        if (!source.port.allowsSource(srcMac)) {
            source.counters.drop(DropReason.TX_SPOOFED);
            return;
        }
        if (!EthernetHeader.isMulticast(srcMac)) {
            learn(source, srcMac, src);
        }
        int segment = source.port.segment();
        int dst = EthernetHeader.isMulticast(dstMac) ? MacTable.UNKNOWN : macs.lookup(dstMac);
        if (dst != MacTable.UNKNOWN && plane.port(dst).segment() != segment) {
            dst = MacTable.UNKNOWN; // learned in another segment: this segment does not know it
        }
        if (dst == src) {
            source.counters.drop(DropReason.NO_DESTINATION);
            return;
        }
        if (dst != MacTable.UNKNOWN) {
            worker.delivery.deliver(plane.port(dst), source.queuePair, frame, len);
            return;
        }
        int delivered = 0;
        PortState[] ports = plane.ports();
        for (PortState p : ports) {
            if (p.id() != src && p.device() != null && p.segment() == segment) {
                worker.delivery.deliver(p, source.queuePair, frame, len);
                delivered++;
            }
        }
        if (delivered == 0) {
            source.counters.drop(DropReason.NO_DESTINATION);
        }
    }

    /** Learns {@code mac} on port {@code src}; a MAC not learned is counted, the frame is forwarded anyway (as OVS does). */
    private void learn(RingContext source, long mac, int src) {
        int r = macs.learn(mac, src);
        if (r == MacTable.OVER_LIMIT) {
            source.counters.macLimit();
        } else if (r == MacTable.TABLE_FULL) {
            source.counters.macTableFull();
        }
    }
}
