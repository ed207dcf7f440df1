package io.vhostdma.backend.dataplane;

import io.vhostdma.vhost.protocol.VhostDevice;

/**
 * Told when a ring starts (on the port's event loop, as the front end starts it) and when it stopped
 * (on the owning worker, once its copies drained, at a control command's completion — never per
 * packet). Must return quickly and never block.
 */
public interface RingListener {
    /** A listener that ignores everything. */
    RingListener NONE = new RingListener() {
        @Override
        public void started(PortState port, VhostDevice device, int ringIndex, String channel) {
        }

        @Override
        public void stopped(PortState port, int ringIndex) {
        }
    };

    /** Ring {@code ringIndex} of {@code port} starts on {@code channel} ({@code dev/ch}, or null for CPU copies). */
    void started(PortState port, VhostDevice device, int ringIndex, String channel);

    /** Ring {@code ringIndex} of {@code port} stopped. */
    void stopped(PortState port, int ringIndex);
}
