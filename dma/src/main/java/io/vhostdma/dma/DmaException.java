package io.vhostdma.dma;

/**
 * Control-plane failure of the DMA layer. The errno names the class of failure; the message carries
 * {@code name=value} context. Subclasses exist for the failures callers commonly handle.
 */
public class DmaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /**
     * @param errno   a {@link DmaErrno} value (positive)
     * @param message a message with {@code name=value} context
     */
    public DmaException(int errno, String message) {
        super(DmaErrno.name(errno) + ": " + message);
        this.errno = errno;
    }

    /** @return the positive errno value, e.g. {@link DmaErrno#EBUSY} */
    public int errno() {
        return errno;
    }

    /** An argument failed validation ({@code EINVAL}). */
    public static final class InvalidArgument extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public InvalidArgument(String message) {
            super(DmaErrno.EINVAL, message);
        }
    }

    /** The object already exists or overlaps an existing one ({@code EEXIST}). */
    public static final class AlreadyExists extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public AlreadyExists(String message) {
            super(DmaErrno.EEXIST, message);
        }
    }

    /** The object is in use ({@code EBUSY}). */
    public static final class Busy extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public Busy(String message) {
            super(DmaErrno.EBUSY, message);
        }
    }

    /** The caller may not do this ({@code EPERM}): wrong token, not the creator. */
    public static final class PermissionDenied extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public PermissionDenied(String message) {
            super(DmaErrno.EPERM, message);
        }
    }

    /** No such object ({@code ENOENT}). */
    public static final class NotFound extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public NotFound(String message) {
            super(DmaErrno.ENOENT, message);
        }
    }

    /** The device lacks the capability ({@code ENOTSUP}). */
    public static final class NotSupported extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public NotSupported(String message) {
            super(DmaErrno.ENOTSUP, message);
        }
    }

    /** The call is not valid in the device's current lifecycle state ({@code EBUSY}, like dmadev). */
    public static final class IllegalState extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public IllegalState(String message) {
            super(DmaErrno.EBUSY, message);
        }
    }

    /**
     * The engine cannot serve the device: its runtime is missing or failed to start ({@code ENODEV}), e.g.
     * a native library that is not installed.
     */
    public static final class Unavailable extends DmaException {
        private static final long serialVersionUID = 1L;

        /** @param message context */
        public Unavailable(String message) {
            super(DmaErrno.ENODEV, message);
        }

        /** @param message context @param cause the underlying failure */
        public Unavailable(String message, Throwable cause) {
            super(DmaErrno.ENODEV, message);
            initCause(cause);
        }
    }
}
