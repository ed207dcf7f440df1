package io.vhostdma.backend.ctl;

/** A vhostctl failure with the exit code and the one line it prints. */
final class CtlException extends RuntimeException {
    private final int exitCode;

    CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The server answered with a non-OK status. */
    static CtlException server(String code, String message) {
        return new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: " + code + ": " + message);
    }

    /** The server could not be reached (or the connection broke). */
    static CtlException unreachable(String addr, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: cannot reach vhostd at " + addr + ": " + reason);
    }

    /** A usage mistake. */
    static CtlException usage(String message) {
        return new CtlException(VhostCtl.EXIT_USAGE, "vhostctl: " + message);
    }
}
