package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.net.EthernetHeader;

/**
 * Decides where a frame taken from a guest's TX ring goes, and only that: it reads the frame's Ethernet header once
 * (into {@code eth}), applies the port's rules, counts what it refuses on the source queue, and fills {@code out}.
 * Delivering is {@link Delivery}'s. Called on the worker that took the frame; allocation-free.
 */
interface Switch {
    /**
     * @param src the frame and where it came from
     * @param eth scratch for the frame's Ethernet header
     * @param out cleared, then filled with the destinations
     * @return the number of destinations (0: the frame was dropped, and counted)
     */
    int decide(FrameSource src, EthernetHeader eth, Destinations out);
}
