package io.vhostdma.dma;

/**
 * Errno-style codes. Fast-path methods return them negated (e.g. {@code -ENOSPC}); control-plane
 * exceptions carry them in {@link DmaException#errno()}.
 */
public final class DmaErrno {
    /** Operation not permitted (wrong token, destroy by a non-creator). */
    public static final int EPERM = 1;
    /** No such object (device, engine, group, registration). */
    public static final int ENOENT = 2;
    /** I/O error: an engine's runtime failed (e.g. DPDK's EAL did not start). */
    public static final int EIO = 5;
    /** Resource busy (unregister with copies in flight, destroy with members left, close while started). */
    public static final int EBUSY = 16;
    /** Already exists (overlapping registration, duplicate device name). */
    public static final int EEXIST = 17;
    /** Device not started: returned by the fast path of a stopped or never started device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** No space left in the ring: the channel already holds its ring size of outstanding operations. */
    public static final int ENOSPC = 28;
    /** Operation not supported by this device's capabilities. */
    public static final int ENOTSUP = 95;

    private DmaErrno() {
    }

    /**
     * Returns the symbolic name of an errno value (positive or negative).
     *
     * @param errno the value
     * @return the name, e.g. {@code "ENOSPC"}
     */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EIO -> "EIO";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ENOTSUP -> "ENOTSUP";
            default -> "E?(" + errno + ")";
        };
    }
}
