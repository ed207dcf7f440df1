package io.vhostdma.vhost.protocol;

/** vhost-user protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
public final class ProtocolFeatures {
    public static final int MQ = 0;
    public static final int LOG_SHMFD = 1;
    public static final int RARP = 2;
    public static final int REPLY_ACK = 3;
    public static final int MTU = 4;
    public static final int BACKEND_REQ = 5;
    public static final int CONFIG = 9;
    public static final int RESET_DEVICE = 13;
    public static final int INBAND_NOTIFICATIONS = 14;
    public static final int CONFIGURE_MEM_SLOTS = 15;
    public static final int STATUS = 16;

    /** {@code VHOST_USER_F_PROTOCOL_FEATURES}: bit 30 of the virtio feature word. */
    public static final long VIRTIO_F_PROTOCOL_FEATURES = 1L << 30;

    private ProtocolFeatures() {
    }

    public static long bit(int b) {
        return 1L << b;
    }
}
