package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.forward.MacTable;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.vhost.net.EthernetHeader;

/**
 * The L2 learning switch, one per segment (an access group, or the default segment of ports in no
 * group): drops a frame whose source MAC the port may not send from ({@code allowed-macs}, counted
 * {@code tx_spoofed}), learns the source MAC (within the port's {@code mac-limit}; a MAC not learned
 * is counted and the frame still forwarded), sends known unicast to its port when that port is in the
 * sender's segment and floods broadcast, multicast and unknown unicast to every other connected port
 * of the segment. Nothing crosses segments. The decision uses a local copy of the Ethernet header,
 * read once.
 */
final class LearningSwitch implements Switch {
    private final DataPlaneImpl plane;
    private final MacTable macs;

    LearningSwitch(DataPlaneImpl plane, MacTable macs) {
        this.plane = plane;
        this.macs = macs;
    }

    @Override
    public int decide(FrameSource src, EthernetHeader eth, Destinations out) {
        out.clear();
        QueueCounters counters = src.counters;
        if (!eth.parse(src.frame)) {
            counters.drop(DropReason.TX_BAD_FRAME);
            return 0;
        }
        PortState port = src.port;
        int self = port.id();
        long srcMac = eth.src();
        long dstMac = eth.dst();
        if (!port.allowsSource(srcMac)) {
            counters.drop(DropReason.TX_SPOOFED);
            return 0;
        }
        if (!EthernetHeader.isMulticast(srcMac)) {
            learn(counters, srcMac, self);
        }
        int segment = port.segment();
        int dst = EthernetHeader.isMulticast(dstMac) ? MacTable.UNKNOWN : macs.lookup(dstMac);
        if (dst != MacTable.UNKNOWN && plane.port(dst).segment() != segment) {
            dst = MacTable.UNKNOWN; // learned in another segment: this segment does not know it
        }
        if (dst == self) {
            counters.drop(DropReason.NO_DESTINATION);
            return 0;
        }
        if (dst != MacTable.UNKNOWN) {
            out.add(dst);
            return 1;
        }
        for (PortState p : plane.ports()) {
            if (p.id() != self && p.device() != null && p.segment() == segment) {
                out.add(p.id());
            }
        }
        if (out.count() == 0) {
            counters.drop(DropReason.NO_DESTINATION);
        }
        return out.count();
    }

    /** Learns {@code mac} on port {@code port}; a MAC not learned is counted, the frame is forwarded anyway (as OVS does). */
    private void learn(QueueCounters counters, long mac, int port) {
        int r = macs.learn(mac, port);
        if (r == MacTable.OVER_LIMIT) {
            counters.macLimit();
        } else if (r == MacTable.TABLE_FULL) {
            counters.macTableFull();
        }
    }
}
