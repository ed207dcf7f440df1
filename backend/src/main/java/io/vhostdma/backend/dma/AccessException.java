package io.vhostdma.backend.dma;

/** A run-time access-group request was refused; {@link #reason()} says why in one word. */
public final class AccessException extends RuntimeException {
    /** Why a request was refused. */
    public enum Reason { UNKNOWN_GROUP, UNKNOWN_PORT, WRONG_TOKEN, ALREADY_MEMBER, NOT_MEMBER, CREATOR_BUSY, GROUP_EXISTS }

    private final Reason reason;

    public AccessException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
