package io.vhostdma.vhost.memory;

/** A memory table or region that cannot be used (control plane). Messages carry {@code name=value} context. */
public final class GuestMemoryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a {@code name=value} message. */
    public GuestMemoryException(String message) {
        super(message);
    }
}
