package io.vhostdma.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the management plane is reached (design.md §9). The gRPC API is always served on two Unix
 * sockets in the runtime directory: {@value RuntimeDir#CONTROL_SOCKET} (every RPC) and
 * {@value RuntimeDir#READ_ONLY_SOCKET} (read-only RPCs); their file modes decide who may connect. A
 * loopback TCP endpoint exists only when {@code grpc} is set, and then {@code tokenFile} holds the
 * bearer token a client must present to change anything.
 *
 * @param grpc         optional loopback TCP address of the gRPC API; {@code null} = none
 * @param metrics      the Prometheus text endpoint at {@code /metrics} (default 127.0.0.1:9464)
 * @param socketMode   file mode of {@value RuntimeDir#CONTROL_SOCKET}, 0600..0660
 * @param socketGroup  group of {@value RuntimeDir#CONTROL_SOCKET}, or {@code null} for vhostd's own
 * @param roSocketMode file mode of {@value RuntimeDir#READ_ONLY_SOCKET}, 0600..0666
 * @param tokenFile    absolute path of the TCP bearer token ({@code token: file:PATH}); set exactly when
 *                     {@code grpc} is
 * @param socketDirs   directories (besides the runtime directory) AddPort may create sockets in
 */
public record ManagementConfig(HostPort grpc, HostPort metrics, int socketMode, String socketGroup, int roSocketMode,
                               Path tokenFile, List<Path> socketDirs) {

    /** Default metrics address. */
    public static final HostPort DEFAULT_METRICS = new HostPort("127.0.0.1", 9_464);
    /** Default mode of both management sockets: vhostd's user only. */
    public static final int DEFAULT_SOCKET_MODE = 0600;
    /** The widest {@code socket-mode}: the socket that steers vhostd is never open to every user. */
    public static final int MAX_SOCKET_MODE = 0660;
    /** The widest {@code ro-socket-mode}: read-only views may be opened to every local user. */
    public static final int MAX_RO_SOCKET_MODE = 0666;

    /** Copies the list and checks the components fit together. */
    public ManagementConfig {
        Objects.requireNonNull(metrics, "metrics");
        socketDirs = List.copyOf(socketDirs);
        if ((grpc == null) != (tokenFile == null)) {
            throw new IllegalArgumentException("a TCP endpoint needs a token file and a token file needs a TCP"
                    + " endpoint: grpc=" + grpc + " tokenFile=" + tokenFile);
        }
        checkMode("socketMode", socketMode, MAX_SOCKET_MODE);
        checkMode("roSocketMode", roSocketMode, MAX_RO_SOCKET_MODE);
    }

    /** The management settings used when the config file has no {@code management} section. */
    public static ManagementConfig defaults() {
        return metricsOn(DEFAULT_METRICS);
    }

    /** The defaults with metrics on {@code metrics} (port 0 picks a free port): no TCP gRPC endpoint. */
    public static ManagementConfig metricsOn(HostPort metrics) {
        return new ManagementConfig(null, metrics, DEFAULT_SOCKET_MODE, null, DEFAULT_SOCKET_MODE, null, List.of());
    }

    /** These settings with a TCP gRPC endpoint on {@code addr} guarded by the token in {@code tokenFile}. */
    public ManagementConfig withTcp(HostPort addr, Path tokenFile) {
        return new ManagementConfig(addr, metrics, socketMode, socketGroup, roSocketMode, tokenFile, socketDirs);
    }

    /**
     * Reads the TCP bearer token from {@link #tokenFile} as the loader checked it (trailing whitespace
     * removed, 8..256 characters, not readable by other users).
     *
     * @throws IllegalStateException with {@code management.token: message} when it cannot be read now
     */
    public String readToken() {
        Problems problems = new Problems();
        String token = Tokens.fromPrivateFile(tokenFile.toString(), ConfigPath.ROOT.key("management").key("token"),
                problems);
        if (token == null) {
            throw new IllegalStateException(String.join("; ", problems.toException("management").problems()));
        }
        return token;
    }

    private static void checkMode(String what, int mode, int max) {
        if ((mode & ~max) != 0 || (mode & 0600) != 0600) {
            throw new IllegalArgumentException(what + " must include 0600 and stay within 0" + Integer.toOctalString(max)
                    + ": " + what + "=0" + Integer.toOctalString(mode));
        }
    }
}
