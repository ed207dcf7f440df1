package io.vhostdma.vhost.transport;

import java.nio.file.Path;

/**
 * What a vhost-user port needs to serve a front end.
 *
 * @param name       the port name (logs, {@code VhostDevice.portName()})
 * @param socket     the Unix socket path: the one we listen on (server) or connect to (client)
 * @param socketMode file mode of a listening socket, e.g. {@code 0600}; ignored in client mode
 * @param queuePairs queue pairs offered (GET_QUEUE_NUM); rings 0 .. 2 × queuePairs − 1
 * @param socketGroup group a listening socket's file is given (its members may connect with a mode
 *                   such as 0660), or {@code null} for vhostd's own; ignored in client mode
 */
public record PortSpec(String name, Path socket, int socketMode, int queuePairs, String socketGroup) {
    public PortSpec {
        if (queuePairs < 1 || queuePairs > 128) {
            throw new IllegalArgumentException("queue pairs out of range: port=" + name + " queue-pairs=" + queuePairs);
        }
    }

    /** A port whose socket file keeps vhostd's group. */
    public PortSpec(String name, Path socket, int socketMode, int queuePairs) {
        this(name, socket, socketMode, queuePairs, null);
    }
}
