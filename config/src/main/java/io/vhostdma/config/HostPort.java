package io.vhostdma.config;

import java.util.Objects;

/**
 * A TCP listen address of the management plane. The loader only accepts loopback hosts
 * (127.0.0.0/8, {@code localhost}, {@code ::1}) and ports 0..65535, where 0 means "pick a free port".
 *
 * @param host host name or IP literal, IPv6 without brackets
 * @param port TCP port, 0 = any free port
 */
public record HostPort(String host, int port) {

    /** Checks the components are present and the port is a TCP port number. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: port=" + port);
        }
    }

    /** {@code host:port}; an IPv6 host is bracketed ({@code [::1]:50051}) so the text parses back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
