package io.vhostdma.backend.control;

import io.vhostdma.backend.control.ControlException.Code;
import io.vhostdma.backend.sockets.EnvironmentException;
import io.vhostdma.backend.sockets.SocketDirectories;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.transport.SocketFile;
import io.vhostdma.vhost.transport.SocketPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a live AddPort may put its socket (design.md §9): directly in the runtime directory or in a
 * {@code management.socket-dirs} entry (directories that still pass the directory rule), never over a
 * live socket or a file that is not a socket. Modes above 0660 and unknown groups are refused earlier,
 * by the config validation every added port goes through. Client-mode ports follow the same directory
 * rule: vhostd never connects to a socket outside them either.
 */
final class SocketPolicy {
    private final List<Path> allowed = new ArrayList<>();
    private final int uid;

    SocketPolicy(VhostdConfig config, int uid) {
        allowed.add((config.runtimeDir() != null ? config.runtimeDir()
                : RuntimeDir.resolve(System.getenv(), uid)).normalize());
        allowed.addAll(config.management().socketDirs());
        this.uid = uid;
    }

    /** Throws the ControlException that refuses {@code port}'s socket, if any. */
    void check(PortConfig port) {
        Path socket = port.socket().toAbsolutePath().normalize();
        Path dir = socket.getParent();
        if (!allowed.contains(dir)) {
            throw new ControlException(Code.PERMISSION_DENIED, "socket must be directly in the runtime directory or a"
                    + " management.socket-dirs entry: port=" + port.name() + " socket=" + port.socket() + " (allowed: "
                    + allowed.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        try {
            SocketDirectories.check(dir, "socket directory", uid);
        } catch (EnvironmentException e) {
            throw new ControlException(Code.FAILED_PRECONDITION, e.getMessage() + ": port=" + port.name(), e);
        }
        SocketFile.State state = port.mode() == PortMode.SERVER ? SocketFile.probe(socket) : SocketFile.State.ABSENT;
        if (state == SocketFile.State.LIVE || state == SocketFile.State.NOT_A_SOCKET) {
            throw refused(port, state == SocketFile.State.LIVE, null);
        }
    }

    /** The status for a socket path the bind refused: ALREADY_EXISTS when live, FAILED_PRECONDITION for a file. */
    static ControlException refused(PortConfig port, SocketPathException e) {
        return refused(port, e.reason() == SocketPathException.Reason.IN_USE, e);
    }

    private static ControlException refused(PortConfig port, boolean live, Throwable cause) {
        return live ? new ControlException(Code.ALREADY_EXISTS, "socket in use: a process listens on it: port="
                + port.name() + " socket=" + port.socket(), cause)
                : new ControlException(Code.FAILED_PRECONDITION, "socket path exists and is not a socket (it is never"
                        + " replaced): port=" + port.name() + " socket=" + port.socket(), cause);
    }
}
