package io.vhostdma.vhost.frontend;

/**
 * The virtio and virtio-net feature bits the driver side knows (bit numbers in the 64-bit feature
 * word of GET_FEATURES / SET_FEATURES), as masks.
 */
public final class VirtioFeatures {
    public static final long CSUM = 1L << 0;
    public static final long GUEST_CSUM = 1L << 1;
    public static final long MAC = 1L << 5;
    public static final long MRG_RXBUF = 1L << 15;
    public static final long STATUS = 1L << 16;
    public static final long CTRL_VQ = 1L << 17;
    public static final long MQ = 1L << 22;
    public static final long LOG_ALL = 1L << 26;
    public static final long INDIRECT_DESC = 1L << 28;
    public static final long EVENT_IDX = 1L << 29;
    /** {@code VHOST_USER_F_PROTOCOL_FEATURES}: vhost-user only, never a guest-visible bit. */
    public static final long PROTOCOL_FEATURES = 1L << 30;
    public static final long VERSION_1 = 1L << 32;
    public static final long ACCESS_PLATFORM = 1L << 33;
    public static final long RING_PACKED = 1L << 34;
    public static final long IN_ORDER = 1L << 35;

    /** The front end's default request: VERSION_1 | MRG_RXBUF | EVENT_IDX | INDIRECT_DESC. */
    public static final long DEFAULT = VERSION_1 | MRG_RXBUF | EVENT_IDX | INDIRECT_DESC;

    /** Device status bits (SET_STATUS). */
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;

    private VirtioFeatures() {
    }

    /** Size of the virtio-net header for the negotiated {@code features}: 12 with VERSION_1 or MRG_RXBUF, else 10. */
    public static int netHeaderSize(long features) {
        return (features & (VERSION_1 | MRG_RXBUF)) != 0 ? 12 : 10;
    }
}
