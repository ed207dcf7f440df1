package io.vhostdma.vhost.net;

/** Negative result codes of the virtio-net data path. */
public final class NetStatus {

    /** The RX ring had no (or too few) buffers: the packet is dropped, the ring is untouched. */
    public static final int NO_BUFFERS = -1;
    /** Without MRG_RXBUF the chain is smaller than header + frame (or the first chain cannot hold the header). */
    public static final int TOO_BIG = -2;
    /** The ring reported a guest error (it is now broken). */
    public static final int RING_ERROR = -3;
    /** A TX chain is shorter than the virtio-net header. */
    public static final int TOO_SHORT = -4;
    /** A TX frame is longer than {@link NetTx#MAX_FRAME_LENGTH}. */
    public static final int TOO_LONG = -5;
    /** A TX chain holds device-writable buffers (a guest error). */
    public static final int WRITABLE_IN_TX = -6;
    /** The ring is not attached (not started): drop. */
    public static final int NOT_READY = -7;
    /**
     * The RX ring used up its descriptor budget (the frame's, or the duty cycle's): treated as out of buffers
     * for the rest of the cycle; nothing stays reserved.
     */
    public static final int OVER_BUDGET = -8;

    private NetStatus() {
    }

    /** A short text for log lines. */
    public static String describe(int code) {
        return switch (code) {
            case NO_BUFFERS -> "no rx buffers";
            case TOO_BIG -> "rx buffer too small";
            case RING_ERROR -> "ring error";
            case TOO_SHORT -> "tx chain shorter than header";
            case TOO_LONG -> "tx frame too long";
            case WRITABLE_IN_TX -> "writable descriptor in tx chain";
            case NOT_READY -> "ring not ready";
            case OVER_BUDGET -> "rx descriptor budget used up";
            default -> code >= 0 ? "ok" : "unknown status";
        };
    }
}
