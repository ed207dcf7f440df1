package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.net.EthernetHeader;

/**
 * {@code forwarding: sink}: every frame goes to the worker's sink, where it is copied into a host buffer and
 * dropped — what DPDK's rxonly does, so the dequeue benchmark measures real copies (counted by the taker as a
 * dequeued packet).
 */
final class SinkSwitch implements Switch {
    @Override
    public int decide(FrameSource src, EthernetHeader eth, Destinations out) {
        out.clear();
        out.sink();
        return 1;
    }
}
