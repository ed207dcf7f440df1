package io.vhostdma.vhost.net;

/**
 * virtio-net and generic virtio feature bits, as masks ({@code 1L << bit}), and what we offer.
 */
public final class VirtioNetFeatures {

    /** Bit 0: device takes partial-checksum TX. */
    public static final long CSUM = 1L << 0;
    /** Bit 1: guest takes partial-checksum RX. */
    public static final long GUEST_CSUM = 1L << 1;
    /** Bit 3: MTU in config space (the front end fills it: QEMU's {@code host_mtu}; it then sends NET_SET_MTU). */
    public static final long MTU = 1L << 3;
    /** Bit 5: MAC in config space. */
    public static final long MAC = 1L << 5;
    /** Bit 7: guest takes TSO over IPv4 (GSO frames with gso_type TCPV4 in its RX header). */
    public static final long GUEST_TSO4 = 1L << 7;
    /** Bit 8: guest takes TSO over IPv6. */
    public static final long GUEST_TSO6 = 1L << 8;
    /** Bit 9: guest takes TSO frames with the ECN bit (CWR) set. */
    public static final long GUEST_ECN = 1L << 9;
    /** Bit 10: guest takes UFO (not offered: see {@link #OFFERED}). */
    public static final long GUEST_UFO = 1L << 10;
    /** Bit 11: device takes TSO over IPv4 from the guest. */
    public static final long HOST_TSO4 = 1L << 11;
    /** Bit 12: device takes TSO over IPv6. */
    public static final long HOST_TSO6 = 1L << 12;
    /** Bit 13: device takes TSO frames with ECN. */
    public static final long HOST_ECN = 1L << 13;
    /** Bit 14: device takes UFO (not offered). */
    public static final long HOST_UFO = 1L << 14;
    /** Bit 15: mergeable RX buffers. */
    public static final long MRG_RXBUF = 1L << 15;
    /** Bit 16: status in config space. */
    public static final long STATUS = 1L << 16;
    /** Bit 17: control virtqueue. */
    public static final long CTRL_VQ = 1L << 17;
    /** Bit 21: guest can send gratuitous packets. */
    public static final long GUEST_ANNOUNCE = 1L << 21;
    /** Bit 22: multiqueue. */
    public static final long MQ = 1L << 22;
    /** Bit 24: legacy NOTIFY_ON_EMPTY (never offered). */
    public static final long NOTIFY_ON_EMPTY = 1L << 24;
    /** Bit 26: vhost LOG_ALL (dirty logging; not a virtio bit). */
    public static final long LOG_ALL = 1L << 26;
    /** Bit 27: legacy ANY_LAYOUT. */
    public static final long ANY_LAYOUT = 1L << 27;
    /** Bit 28: indirect descriptors. */
    public static final long INDIRECT_DESC = 1L << 28;
    /** Bit 29: used_event / avail_event. */
    public static final long EVENT_IDX = 1L << 29;
    /** Bit 30: vhost-user protocol features. */
    public static final long PROTOCOL_FEATURES = 1L << 30;
    /** Bit 32: virtio 1.x. */
    public static final long VERSION_1 = 1L << 32;
    /** Bit 33: ACCESS_PLATFORM / IOMMU_PLATFORM (not offered). */
    public static final long ACCESS_PLATFORM = 1L << 33;
    /** Bit 34: packed virtqueues (virtio 1.2 §2.8). */
    public static final long RING_PACKED = 1L << 34;
    /** Bit 35: buffers are used in the order they were made available (batched used writes on guest TX). */
    public static final long IN_ORDER = 1L << 35;

    /** The TX offloads offered: the device takes a guest's partial checksums and TSO frames (with ECN). */
    public static final long TX_OFFLOADS = CSUM | HOST_TSO4 | HOST_TSO6 | HOST_ECN;
    /** The RX offloads offered: the guest takes partial checksums and TSO frames (with ECN) in its RX ring. */
    public static final long RX_OFFLOADS = GUEST_CSUM | GUEST_TSO4 | GUEST_TSO6 | GUEST_ECN;

    /**
     * The offloads offered (virtio 1.2 §5.1.6.2): partial checksums and TCP segmentation in both directions. A
     * receiver that did not negotiate what a frame needs gets it completed or segmented in software
     * (io.vhostdma.vhost.offload). UFO (and USO) stay off: a UFO frame's software fallback would be IP
     * fragmentation, which vhostd does not do.
     */
    public static final long OFFLOADS = TX_OFFLOADS | RX_OFFLOADS;

    /**
     * The features this back end offers. MTU: QEMU passes bit 3 (and its {@code host_mtu} in config space) to the
     * guest only when the back end offers it, and then tells us the MTU with NET_SET_MTU.
     */
    public static final long OFFERED =
            VERSION_1 | MRG_RXBUF | EVENT_IDX | INDIRECT_DESC | MQ | GUEST_ANNOUNCE | MTU | PROTOCOL_FEATURES
                    | RING_PACKED | IN_ORDER | OFFLOADS | LOG_ALL;

    private VirtioNetFeatures() {
    }

    /** True when every bit of {@code mask} is in {@code features}. */
    public static boolean has(long features, long mask) {
        return (features & mask) == mask;
    }

    /** virtio_net_hdr length: 12 with VERSION_1 or MRG_RXBUF, else 10. */
    public static int headerLength(long negotiated) {
        return (negotiated & (VERSION_1 | MRG_RXBUF)) != 0 ? NetHeaderLayout.SIZE_V1 : NetHeaderLayout.SIZE_LEGACY;
    }
}
