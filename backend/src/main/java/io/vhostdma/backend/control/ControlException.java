package io.vhostdma.backend.control;

/**
 * A management request that cannot be done, with a code saying why (mapped one to one onto gRPC status
 * codes) and a message for a person, e.g. {@code unknown port: port=vm9}.
 */
public final class ControlException extends RuntimeException {
    /** Why a request failed. */
    public enum Code {
        /** The request names a port, queue, device, channel or group that does not exist. */
        NOT_FOUND,
        /** The request is malformed (bad queue or channel syntax, invalid port settings). */
        INVALID_ARGUMENT,
        /** The thing to create exists, or the resource is held by someone else (channel in use). */
        ALREADY_EXISTS,
        /** The request is valid but the backend's state does not allow it now. */
        FAILED_PRECONDITION,
        /** A wrong token, or a request outside what the operator allowed (a socket outside the socket directories). */
        PERMISSION_DENIED,
        /** The backend is shutting down. */
        UNAVAILABLE,
        /** A bug or an environment failure; the message says which. */
        INTERNAL
    }

    private final Code code;

    public ControlException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public ControlException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
