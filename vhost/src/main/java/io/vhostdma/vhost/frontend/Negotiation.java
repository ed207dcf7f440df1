package io.vhostdma.vhost.frontend;

/**
 * What the handshake agreed.
 *
 * @param offeredFeatures          the back end's GET_FEATURES
 * @param features                 what SET_FEATURES acked (bit 30 included when offered)
 * @param offeredProtocolFeatures  the back end's GET_PROTOCOL_FEATURES (0 without bit 30)
 * @param protocolFeatures         what SET_PROTOCOL_FEATURES sent
 * @param maxQueuePairs            GET_QUEUE_NUM's answer, or 0 when not asked (no protocol MQ)
 */
public record Negotiation(long offeredFeatures, long features, long offeredProtocolFeatures, long protocolFeatures,
        long maxQueuePairs) {
    /** Whether every bit of {@code mask} was acked. */
    public boolean has(long mask) {
        return (features & mask) == mask;
    }

    /** Whether protocol feature bit {@code bit} was negotiated. */
    public boolean hasProtocol(int bit) {
        return (protocolFeatures & (1L << bit)) != 0;
    }
}
