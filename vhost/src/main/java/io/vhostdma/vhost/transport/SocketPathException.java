package io.vhostdma.vhost.transport;

import java.nio.file.Path;

/**
 * A socket path vhostd must not bind: something listens there, or it is not a socket (a regular
 * file, a directory, a symbolic link). Never deleted or followed.
 */
public final class SocketPathException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Why the path cannot be used. */
    public enum Reason {
        /** A process accepts connections on the socket. */
        IN_USE,
        /** The path exists and is not a socket. */
        NOT_A_SOCKET
    }

    private final transient Path path;
    private final Reason reason;

    /** For the binding code ({@link SocketFile}, the internal socket layer's {@code listen}). */
    public SocketPathException(Path path, Reason reason, String message) {
        super(message);
        this.path = path;
        this.reason = reason;
    }

    /** The path that was refused. */
    public Path path() {
        return path;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }
}
