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
 * @param socketMode permission bits of the socket file in server mode, e.g. {@code 0600} (octal), at most
 *                   {@link #MAX_SOCKET_MODE}
 * @param socketGroup group the socket file is given in server mode (so its members may connect), or
 *                   {@code null} for vhostd's own group
 */
public record PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode, String socketGroup) {

    /** Default {@code queue-pairs}. */
    public static final int DEFAULT_QUEUE_PAIRS = 1;
    /** Default {@code socket-mode}: owner read and write only. */
    public static final int DEFAULT_SOCKET_MODE = 0600;
    /** The widest {@code socket-mode}: owner and group read and write, never every local user. */
    public static final int MAX_SOCKET_MODE = 0660;

    /** Checks the components are present. Value ranges are checked by {@link ConfigLoader}. */
    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(mode, "mode");
    }

    /** A port whose socket keeps vhostd's own group. */
    public PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode) {
        this(name, socket, mode, queuePairs, socketMode, null);
    }
}
