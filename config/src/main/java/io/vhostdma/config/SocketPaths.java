package io.vhostdma.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Validation of vhost-user socket paths: absolute, a file name, and short enough for sun_path. */
final class SocketPaths {

    /** {@code sizeof(sockaddr_un.sun_path)} on Linux is 108, one byte of which is the NUL terminator. */
    static final int MAX_BYTES = 107;

    private SocketPaths() {
    }

    /** The socket path in {@code text}, or {@code null} after recording a problem. */
    static Path check(String text, ConfigPath path, Problems problems) {
        if (text.indexOf('\0') >= 0) {
            problems.add(path, Nodes.quote(text) + " contains a NUL character");
            return null;
        }
        Path socket;
        try {
            socket = Path.of(text);
        } catch (InvalidPathException e) {
            problems.add(path, Nodes.quote(text) + " is not a valid path (" + e.getReason() + ")");
            return null;
        }
        if (!socket.isAbsolute()) {
            problems.add(path, Nodes.quote(text) + " is not an absolute path");
            return null;
        }
        if (socket.getFileName() == null) {
            problems.add(path, Nodes.quote(text) + " names no socket file");
            return null;
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            problems.add(path, "too long: " + bytes + " bytes (at most " + MAX_BYTES + " fit in sun_path)");
            return null;
        }
        return socket;
    }
}
