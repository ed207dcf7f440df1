package io.vhostdma.config;

import java.nio.file.Path;
import java.util.List;
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
 * @param macLimit   most source MACs the switch learns from this port, 1..{@value #MAX_MAC_LIMIT}
 * @param allowedMacs port security: the only source MACs the guest may send from (lower-case
 *                   {@code aa:bb:cc:dd:ee:ff}, unicast, no repeats); empty = any
 */
public record PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode, String socketGroup,
                         int macLimit, List<String> allowedMacs) {

    /** Default {@code queue-pairs}. */
    public static final int DEFAULT_QUEUE_PAIRS = 1;
    /** Default {@code socket-mode}: owner read and write only. */
    public static final int DEFAULT_SOCKET_MODE = 0600;
    /** The widest {@code socket-mode}: owner and group read and write, never every local user. */
    public static final int MAX_SOCKET_MODE = 0660;

    /** Default {@code mac-limit}: learned source MACs per port. */
    public static final int DEFAULT_MAC_LIMIT = 1024;
    /** Highest {@code mac-limit} accepted. */
    public static final int MAX_MAC_LIMIT = 65536;

    /** Checks the components are present. Value ranges are checked by {@link ConfigLoader}. */
    public PortConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(mode, "mode");
        allowedMacs = List.copyOf(allowedMacs);
    }

    /** A port with vhostd's own socket group, the default {@code mac-limit} and no {@code allowed-macs}. */
    public PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode) {
        this(name, socket, mode, queuePairs, socketMode, null, DEFAULT_MAC_LIMIT, List.of());
    }

    /** A port whose socket file is given {@code socketGroup}, with the default MAC settings. */
    public PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode, String socketGroup) {
        this(name, socket, mode, queuePairs, socketMode, socketGroup, DEFAULT_MAC_LIMIT, List.of());
    }

    /** A port whose socket keeps vhostd's own group, with the given MAC settings. */
    public PortConfig(String name, Path socket, PortMode mode, int queuePairs, int socketMode, int macLimit,
                      List<String> allowedMacs) {
        this(name, socket, mode, queuePairs, socketMode, null, macLimit, allowedMacs);
    }
}
