package io.vhostdma.backend.sockets;

/**
 * The machine is not as vhostd needs it (a socket directory someone else owns or may write, a socket
 * path another process listens on): vhostd exits with code 3 and the message, in
 * {@code key: message} form ({@code runtime-dir: /run/vhostd is owned by uid=1000 (want 0)}).
 */
public final class EnvironmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
