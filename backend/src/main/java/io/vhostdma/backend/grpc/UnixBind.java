package io.vhostdma.backend.grpc;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vhostdma.vhost.transport.SocketFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A management socket file. The server is bound inside a fresh private (0700) directory next to the
 * final path, given its group and mode there, then hard-linked into place with link(2), which never
 * replaces an existing entry: nobody can connect to it before it has its final owner and mode,
 * whatever the umask, and an existing path (a live socket, a file, a symbolic link) is never
 * replaced or followed. A stale socket at the path (its process died) is removed first. At close the
 * path is removed only while it still is this socket.
 */
final class UnixBind {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.management");
    private final Path path;
    private final Object fileKey;

    private UnixBind(Path path, Object fileKey) {
        this.path = path;
        this.fileKey = fileKey;
    }

    /**
     * Makes {@code server} listen at {@code l.socket()}; fails with a
     * {@link io.vhostdma.vhost.transport.SocketPathException} when the path is live or not a socket.
     */
    static Future<UnixBind> listen(HttpServer server, Listener l) {
        Path staging;
        try {
            SocketFile.clearStale(l.socket());
            staging = Files.createTempDirectory(l.socket().getParent(), ".vhostd-bind-");
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(e);
        }
        Path bound = staging.resolve("s");
        return server.listen(SocketAddress.domainSocketAddress(bound.toString()))
                .map(s -> publish(l, bound))
                .eventually(() -> {
                    deleteQuietly(bound);
                    deleteQuietly(staging);
                    return Future.succeededFuture();
                });
    }

    private static UnixBind publish(Listener l, Path bound) {
        try {
            if (l.group() != null) {
                SocketFile.setGroup(bound, l.group());
            }
            SocketFile.setMode(bound, l.mode());
            Files.createLink(l.socket(), bound);
            return new UnixBind(l.socket(), key(l.socket()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish management socket: path=" + l.socket() + " error=" + e, e);
        }
    }

    private static Object key(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove " + p + ": " + e);
        }
    }

    /** Removes the socket file if the path still names this socket. */
    void remove() {
        try {
            if (Objects.equals(key(path), fileKey)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "management socket already gone: path=" + path);
        }
    }
}
