package io.vhostdma.vhost.transport;

import io.vhostdma.vhost.protocol.ProtocolException;
import io.vhostdma.vhost.protocol.VhostDevice;

/**
 * Connection events of one port, for the daemon's logs and statistics. Called on the port's event
 * loop; implementations must not block. Every method has an empty default.
 */
public interface PortListener {
    /** A listener that ignores every event. */
    PortListener NONE = new PortListener() {
    };

    /** A front end connected; {@code device} is its (fresh) device. */
    default void connected(String port, VhostDevice device) {
    }

    /** The connection ended and its session was torn down (rings detached, memory unmapped, fds closed). */
    default void disconnected(String port, VhostDevice device, String reason) {
    }

    /** A second front end tried to connect while one was active, and was closed. */
    default void refused(String port, String reason) {
    }

    /** The front end broke the protocol; its connection is being closed. */
    default void protocolError(String port, ProtocolException error) {
    }

    /** Client mode: a connect attempt failed; the next one follows in {@code retryInMillis}. */
    default void connectFailed(String port, String reason, long retryInMillis) {
    }
}
