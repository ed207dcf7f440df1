package io.vhostdma.vhost.protocol;

/**
 * A front end broke the vhost-user protocol. The connection that sent the message is closed; other
 * connections are unaffected. The message names the request and carries {@code name=value}
 * context, e.g. {@code SET_VRING_NUM: ring index out of range: ring=4 queue-pairs=1}.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for counters ({@link SessionCounters#errors(Kind)}). */
    public enum Kind {
        /** Request id we do not know. */
        UNKNOWN_REQUEST,
        /** Header flags with a bad version or reserved bits, or a payload above 4096 bytes. */
        BAD_HEADER,
        /** Payload size differs from what the request's payload type needs. */
        BAD_SIZE,
        /** Missing, surplus or truncated file descriptors, or one of the wrong kind (a notifier that is no eventfd). */
        BAD_FDS,
        /** Ring index at or above 2 × queue pairs. */
        BAD_RING_INDEX,
        /** A field value out of range: ring size, region bounds, ring addresses, flags. */
        BAD_VALUE,
        /** Virtio or protocol feature bits we did not offer. */
        UNOFFERED_FEATURE,
        /** A request that needs a feature that was not negotiated. */
        NOT_NEGOTIATED,
        /** A request that is illegal in the ring's or session's current state. */
        BAD_STATE,
        /** Mapping a memory region failed. */
        MAP_FAILED
    }

    private final Kind kind;
    private final int request;

    public ProtocolException(Kind kind, int request, String message) {
        super(Request.name(request) + ": " + message);
        this.kind = kind;
        this.request = request;
    }

    public ProtocolException(Kind kind, int request, String message, Throwable cause) {
        super(Request.name(request) + ": " + message, cause);
        this.kind = kind;
        this.request = request;
    }

    /** The error class. */
    public Kind kind() {
        return kind;
    }

    /** The request id of the offending message (0 when the header itself was bad). */
    public int request() {
        return request;
    }
}
