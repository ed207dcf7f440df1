package io.vhostdma.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One vhost-user port (one virtio-net device seen by one guest).
 *
 * @param name       unique port name, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,31}}
 * @param socket     absolute path of the vhost-user UNIX socket (at most 107 bytes)
 * @param mode       whether vhostd listens ({@link PortMode#SERVER}) or connects
 * @param queuePairs number of rx/tx queue pairs offered, 1..128 (answer to GET_QUEUE_NUM)
 * @param socketMode permission bits of the socket file in server mode, e.g. {@code 0600} (octal)
 */
public record PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode) {

    /** Default {@code queue-pairs}. */
    public static final int DEFAULT_QUEUE_PAIRS = 1;
    /** Default {@code socket-mode}: owner read and write only. */
    public static final int DEFAULT_SOCKET_MODE = 0600;

    /** Checks the components are present. Value ranges are checked by {@link ConfigLoader}. */
    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(mode, "mode");
    }
}
