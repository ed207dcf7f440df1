package io.vhostdma.backend.grpc;

import io.vhostdma.config.HostPort;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One place the gRPC service listens, and what a caller reaching it may do.
 *
 * @param name   how logs name the endpoint ({@code vhostd.sock}, {@code vhostd-ro.sock}, {@code tcp})
 * @param socket the Unix socket's path, or {@code null} for TCP
 * @param mode   the Unix socket's file mode (e.g. 0600)
 * @param group  the Unix socket's group, or {@code null} for vhostd's own
 * @param tcp    the TCP address, or {@code null} for a Unix socket
 * @param access what callers may do
 * @param token  the bearer token that opens every RPC ({@link Access#TOKEN} only)
 */
public record Listener(String name, Path socket, int mode, String group, HostPort tcp, Access access, String token) {

    /** What callers of an endpoint may do. */
    public enum Access {
        /** Every RPC: whoever may connect is the operator (file mode and group decide who may). */
        FULL,
        /** Read-only RPCs; a mutating one is refused with PERMISSION_DENIED. */
        READ_ONLY,
        /**
         * Every RPC with the bearer token in the {@code authorization} header; read-only RPCs without
         * one; a wrong token is refused with UNAUTHENTICATED whatever the RPC.
         */
        TOKEN
    }

    /** Checks the fields fit the kind of endpoint. */
    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        if ((socket == null) == (tcp == null)) {
            throw new IllegalArgumentException("a listener is a Unix socket or a TCP address: name=" + name);
        }
        if ((access == Access.TOKEN) != (token != null)) {
            throw new IllegalArgumentException("a token belongs to a TOKEN listener: name=" + name);
        }
    }

    /** A Unix socket at {@code socket} with file mode {@code mode} and group {@code group} (null = vhostd's). */
    public static Listener unix(Path socket, int mode, String group, Access access) {
        if (access == Access.TOKEN) {
            throw new IllegalArgumentException("Unix sockets are guarded by their file mode: socket=" + socket);
        }
        return new Listener(socket.getFileName().toString(), socket, mode, group, null, access, null);
    }

    /** Loopback TCP at {@code addr} (port 0 picks one) guarded by bearer token {@code token}. */
    public static Listener tcp(HostPort addr, String token) {
        return new Listener("tcp", null, 0, null, addr, Access.TOKEN, Objects.requireNonNull(token, "token"));
    }

    @Override
    public String toString() {
        return "Listener[name=" + name + ", socket=" + socket + ", tcp=" + tcp + ", access=" + access + "]";
    }
}
