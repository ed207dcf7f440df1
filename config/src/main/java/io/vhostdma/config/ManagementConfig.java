package io.vhostdma.config;

import java.util.Objects;

/**
 * Where the management plane listens.
 *
 * @param grpc    the gRPC management API (default 127.0.0.1:50051)
 * @param metrics the Prometheus text endpoint at {@code /metrics} (default 127.0.0.1:9464)
 */
public record ManagementConfig(HostPort grpc, HostPort metrics) {

    /** Default gRPC address. */
    public static final HostPort DEFAULT_GRPC = new HostPort("127.0.0.1", 50_051);
    /** Default metrics address. */
    public static final HostPort DEFAULT_METRICS = new HostPort("127.0.0.1", 9_464);

    /** Checks both addresses are present. */
    public ManagementConfig {
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The management addresses used when the config file has no {@code management} section. */
    public static ManagementConfig defaults() {
        return new ManagementConfig(DEFAULT_GRPC, DEFAULT_METRICS);
    }
}
