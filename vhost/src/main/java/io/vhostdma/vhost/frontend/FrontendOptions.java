package io.vhostdma.vhost.frontend;

import io.vhostdma.vhost.net.VirtioNetFeatures;
import io.vhostdma.vhost.protocol.ProtocolFeatures;
import java.nio.file.Path;

/**
 * How a {@link VhostUserFrontend} connects and what it negotiates. Build with {@link #builder(Path)};
 * the canonical constructor validates every field.
 *
 * @param socketPath        the vhost-user socket
 * @param listen            false: connect to a listening back end; true: listen at {@code socketPath}
 *                          and accept one back end (tests the back end's client mode)
 * @param queuePairs        1..8 (rings 2n = rx, 2n+1 = tx)
 * @param ringSize          descriptors per ring: a power of two, 2..32768
 * @param memorySize        guest memory in bytes (split evenly among the regions; multiple of 4 KiB × regions)
 * @param regions           1..8; with one region GPA = UVA (like DPDK virtio-user), with more
 *                          regions GPAs start at 0 and differ from UVAs, each region its own memfd
 * @param features          virtio features to ack, intersected with the back end's offer (MQ is
 *                          added automatically when {@code queuePairs > 1})
 * @param protocolFeatures  protocol features to request, intersected with the back end's offer
 * @param indirectTx        TX packets as one INDIRECT descriptor (needs INDIRECT_DESC negotiated)
 * @param rxBufferSize      bytes per RX descriptor (header included); below a frame's size forces
 *                          mergeable multi-buffer packets
 * @param txBufferSize      bytes per TX buffer (header included); bounds the largest frame sent
 * @param notificationMode  kick always, or respect the back end's suppression
 * @param timeoutMillis     bound on each control-plane wait (reply, accept)
 * @param sealedMemory      seal each region's memfd with F_SEAL_SHRINK | F_SEAL_GROW (fixed size, still writable),
 *                          so a back end with {@code /dev/udmabuf} can turn it into a dma-buf
 * @param mtu               0: none; else 68..65535, the MTU this device's config space carries (QEMU's
 *                          {@code host_mtu}): VIRTIO_NET_F_MTU is acked when offered and the MTU is sent with
 *                          NET_SET_MTU (needs the MTU protocol feature) before SET_FEATURES, as QEMU does
 */
public record FrontendOptions(Path socketPath, boolean listen, int queuePairs, int ringSize, long memorySize,
        int regions, long features, long protocolFeatures, boolean indirectTx, int rxBufferSize, int txBufferSize,
        NotificationMode notificationMode, long timeoutMillis, boolean sealedMemory, int mtu) {
    /** Protocol features requested by default: MQ | REPLY_ACK | STATUS (DPDK virtio-user's set). */
    public static final long DEFAULT_PROTOCOL_FEATURES = ProtocolFeatures.bit(ProtocolFeatures.MQ)
            | ProtocolFeatures.bit(ProtocolFeatures.REPLY_ACK) | ProtocolFeatures.bit(ProtocolFeatures.STATUS);
    public static final int MAX_QUEUE_PAIRS = 8;
    public static final int MAX_REGIONS = 8;
    private static final long PAGE = 4096;

    public FrontendOptions {
        if (socketPath == null) {
            throw new IllegalArgumentException("socketPath is required");
        }
        check(queuePairs >= 1 && queuePairs <= MAX_QUEUE_PAIRS, "queuePairs", queuePairs);
        check(ringSize >= 2 && ringSize <= 32768 && Integer.bitCount(ringSize) == 1, "ringSize", ringSize);
        check(regions >= 1 && regions <= MAX_REGIONS, "regions", regions);
        check(memorySize > 0 && memorySize % (PAGE * regions) == 0, "memorySize", memorySize);
        check(rxBufferSize >= 64 && rxBufferSize <= 65536, "rxBufferSize", rxBufferSize);
        check(txBufferSize >= 64 && txBufferSize <= 65536 + 12, "txBufferSize", txBufferSize);
        check(timeoutMillis > 0, "timeoutMillis", timeoutMillis);
        check(mtu == 0 || (mtu >= 68 && mtu <= 65535), "mtu", mtu);
        if (notificationMode == null) {
            throw new IllegalArgumentException("notificationMode is required");
        }
    }

    /**
     * A builder with the defaults: connect, 1 pair, 256 descriptors, 64 MiB in 1 region (unsealed memfd), 2048-byte
     * buffers.
     */
    public static Builder builder(Path socketPath) {
        return new Builder(socketPath);
    }

    /**
     * The features to ack before intersecting with the offer: {@link #features()} plus MQ when pairs > 1, plus MTU
     * when an {@link #mtu()} is set.
     */
    public long requestedFeatures() {
        return features | (queuePairs > 1 ? VirtioNetFeatures.MQ : 0L) | (mtu > 0 ? VirtioNetFeatures.MTU : 0L);
    }

    /** Number of vrings: two per queue pair. */
    public int ringCount() {
        return 2 * queuePairs;
    }

    private static void check(boolean ok, String name, long value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid front-end option: " + name + "=" + value);
        }
    }

    /** Mutable builder for {@link FrontendOptions}. */
    public static final class Builder {
        private final Path socketPath;
        private boolean listen;
        private int queuePairs = 1;
        private int ringSize = 256;
        private long memorySize = 64L << 20;
        private int regions = 1;
        private long features = VirtioFeatures.DEFAULT;
        private long protocolFeatures = DEFAULT_PROTOCOL_FEATURES;
        private boolean indirectTx;
        private int rxBufferSize = 2048;
        private int txBufferSize = 2048;
        private NotificationMode notificationMode = NotificationMode.RESPECT_SUPPRESSION;
        private long timeoutMillis = 5000;
        private boolean sealedMemory;
        private int mtu;

        private Builder(Path socketPath) {
            this.socketPath = socketPath;
        }

        public Builder listen(boolean value) {
            this.listen = value;
            return this;
        }

        public Builder queuePairs(int value) {
            this.queuePairs = value;
            return this;
        }

        public Builder ringSize(int value) {
            this.ringSize = value;
            return this;
        }

        public Builder memorySize(long value) {
            this.memorySize = value;
            return this;
        }

        public Builder regions(int value) {
            this.regions = value;
            return this;
        }

        public Builder features(long value) {
            this.features = value;
            return this;
        }

        public Builder protocolFeatures(long value) {
            this.protocolFeatures = value;
            return this;
        }

        public Builder indirectTx(boolean value) {
            this.indirectTx = value;
            return this;
        }

        public Builder rxBufferSize(int value) {
            this.rxBufferSize = value;
            return this;
        }

        public Builder txBufferSize(int value) {
            this.txBufferSize = value;
            return this;
        }

        public Builder notificationMode(NotificationMode value) {
            this.notificationMode = value;
            return this;
        }

        public Builder timeoutMillis(long value) {
            this.timeoutMillis = value;
            return this;
        }

        /** Seal the guest memfds (F_SEAL_SHRINK | F_SEAL_GROW) so the back end may make udmabufs of them. */
        public Builder sealedMemory(boolean value) {
            this.sealedMemory = value;
            return this;
        }

        /** The device's MTU (0: none): acked as VIRTIO_NET_F_MTU and sent with NET_SET_MTU. */
        public Builder mtu(int value) {
            this.mtu = value;
            return this;
        }

        public FrontendOptions build() {
            return new FrontendOptions(socketPath, listen, queuePairs, ringSize, memorySize, regions, features,
                    protocolFeatures, indirectTx, rxBufferSize, txBufferSize, notificationMode, timeoutMillis,
                    sealedMemory, mtu);
        }
    }
}
