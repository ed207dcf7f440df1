// PLACEHOLDER: replaced at merge
package io.vhostdma.vhost.net;

/** PLACEHOLDER: virtio-net feature policy (the net package's real type replaces it). */
public final class VirtioNetFeatures {
    public static final long OFFERED = (1L << 32) | (1L << 15) | (1L << 29) | (1L << 28) | (1L << 22)
            | (1L << 21) | (1L << 30);

    private VirtioNetFeatures() {
    }

    public static int headerLength(long negotiated) {
        return (negotiated & ((1L << 32) | (1L << 15))) != 0 ? 12 : 10;
    }
}
