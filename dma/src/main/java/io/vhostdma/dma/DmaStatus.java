package io.vhostdma.dma;

/**
 * Per-operation completion status codes, reported by {@link DmaChannel#completedStatus}.
 *
 * <p>The set mirrors the shape of a dmadev status enumeration: zero is success, every other value names
 * why an operation did not move its bytes. An operation with a non-success status moved no byte unless
 * stated otherwise ({@link #BUS_ERROR} may have moved part of a copy when the memory vanished mid-copy).
 */
public final class DmaStatus {
    /** The operation completed and every byte landed. */
    public static final int SUCCESS = 0;
    /** The operation was aborted by the user (reserved; engines here never abort on their own). */
    public static final int USER_ABORT = 1;
    /** The operation was not attempted because an earlier one in its batch failed (reserved). */
    public static final int NOT_ATTEMPTED = 2;
    /** The source range is not inside memory registered and mapped to this device. */
    public static final int INVALID_SRC_ADDR = 3;
    /** The destination range is not inside memory registered and mapped to this device. */
    public static final int INVALID_DST_ADDR = 4;
    /** The source and destination domains may not be joined by this device (no common access group). */
    public static final int ACCESS_DENIED = 5;
    /** The memory vanished or faulted while the engine touched it; also the injected-error status. */
    public static final int BUS_ERROR = 6;
    /** The source or destination memory belongs to a revoked (torn down) registration. */
    public static final int REVOKED = 7;
    /** The descriptor itself was malformed (length, scatter-gather totals). */
    public static final int INVALID_LENGTH = 8;
    /** Catch-all for failures without a more specific code. */
    public static final int ERROR_UNKNOWN = 0x100;

    private DmaStatus() {
    }

    /**
     * Returns the symbolic name of a status code.
     *
     * @param status a status code
     * @return its constant name, or {@code "UNKNOWN(n)"}
     */
    public static String name(int status) {
        return switch (status) {
            case SUCCESS -> "SUCCESS";
            case USER_ABORT -> "USER_ABORT";
            case NOT_ATTEMPTED -> "NOT_ATTEMPTED";
            case INVALID_SRC_ADDR -> "INVALID_SRC_ADDR";
            case INVALID_DST_ADDR -> "INVALID_DST_ADDR";
            case ACCESS_DENIED -> "ACCESS_DENIED";
            case BUS_ERROR -> "BUS_ERROR";
            case REVOKED -> "REVOKED";
            case INVALID_LENGTH -> "INVALID_LENGTH";
            case ERROR_UNKNOWN -> "ERROR_UNKNOWN";
            default -> "UNKNOWN(" + status + ")";
        };
    }
}
