package io.vhostdma.vhost.frontend;

/** The back end closed the vhost-user connection (EOF or reset) while a reply was awaited. */
public final class PeerClosedException extends FrontendException {
    private static final long serialVersionUID = 1L;

    public PeerClosedException(String message) {
        super(message);
    }
}
