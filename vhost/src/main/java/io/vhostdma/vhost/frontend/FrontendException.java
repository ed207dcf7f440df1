package io.vhostdma.vhost.frontend;

/**
 * A control-plane failure of the front end: a refused or malformed reply, a feature the back end
 * does not offer, a timeout, a closed peer. The message carries {@code name=value} context, e.g.
 * {@code bad reply flags: request=SET_MEM_TABLE flags=0x1 expected=0x5}.
 */
public class FrontendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FrontendException(String message) {
        super(message);
    }

    public FrontendException(String message, Throwable cause) {
        super(message, cause);
    }
}
