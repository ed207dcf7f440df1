package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.net.VirtioNetFeatures;

/**
 * What the front end asks for as a driver: its default virtio feature set and the virtio device
 * status bits it reports with SET_STATUS. The feature bits themselves are
 * {@link VirtioNetFeatures}'.
 */
public final class VirtioFeatures {
    /** Features acked by default (intersected with the back end's offer). */
    public static final long DEFAULT = VirtioNetFeatures.VERSION_1 | VirtioNetFeatures.MRG_RXBUF
            | VirtioNetFeatures.EVENT_IDX | VirtioNetFeatures.INDIRECT_DESC;

    /** Device status bits (virtio spec 2.1). */
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;

    private VirtioFeatures() {
    }
}
