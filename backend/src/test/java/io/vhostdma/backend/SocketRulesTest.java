package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.control.ControlException.Code;
import io.vhostdma.backend.control.Management;
import io.vhostdma.config.HostPort;
import io.vhostdma.config.ManagementConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where sockets may go (design.md §7, §9): AddPort only directly in the runtime directory or a
 * {@code management.socket-dirs} entry, with a mode of at most 0660 and an optional group, never over a
 * live socket, a file or a symbolic link (a stale socket is replaced); socket directories vhostd
 * creates are 0700, or 0750 for the one group that must reach them.
 */
class SocketRulesTest {
    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    /** A group vhostd may give sockets to: as root one it is not in, else its own. */
    private String group() throws Exception {
        return ManagementAccessTest.root() ? "nogroup"
                : Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
    }

    private static Code code(Supplier<java.util.concurrent.CompletionStage<?>> call) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> call.get().toCompletableFuture().join());
        return ((ControlException) e.getCause()).code();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String groupOf(Path p) throws Exception {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group().getName();
    }

    @Test
    void shouldAddPortsOnlyInAllowedDirectoriesAndNeverOverAnotherFile() throws Exception {
        Path extra = dir.resolve("extra"); // absent: vhostd creates it at start
        ManagementConfig m = new ManagementConfig(null, new HostPort("127.0.0.1", 0), 0600, null, 0600, null,
                List.of(extra));
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).management(m).start()) {
            Management mg = d.vhostd().management();
            assertEquals("rwx------", mode(extra), "a socket directory vhostd creates is its user's alone");

            ControlException outside = (ControlException) assertThrows(CompletionException.class, () -> mg.addPort(
                    new PortConfig("o", elsewhere.resolve("o.sock"), PortMode.SERVER, 1, 0600)).toCompletableFuture()
                    .join()).getCause();
            assertEquals(Code.PERMISSION_DENIED, outside.code());
            assertTrue(outside.getMessage().startsWith("socket must be directly in the runtime directory or a"
                    + " management.socket-dirs entry: port=o socket=" + elsewhere.resolve("o.sock")), outside.getMessage());
            assertEquals(Code.PERMISSION_DENIED, code(() -> mg.addPort(new PortConfig("c", elsewhere.resolve("c.sock"),
                    PortMode.CLIENT, 1, 0600))), "vhostd connects to no socket outside them either");
            assertEquals(Code.PERMISSION_DENIED, code(() -> mg.addPort(new PortConfig("s", extra.resolve("sub/s.sock"),
                    PortMode.SERVER, 1, 0600))), "directly in the directory, not below it");
            assertEquals(Code.INVALID_ARGUMENT, code(() -> mg.addPort(new PortConfig("w", dir.resolve("w.sock"),
                    PortMode.SERVER, 1, 0666))), "never every local user");

            Path file = dir.resolve("file.sock");
            Files.writeString(file, "keep");
            assertEquals(Code.FAILED_PRECONDITION, code(() -> mg.addPort(new PortConfig("f", file, PortMode.SERVER, 1,
                    0600))));
            assertEquals("keep", Files.readString(file));
            Path link = dir.resolve("link.sock");
            Files.createSymbolicLink(link, elsewhere.resolve("target.sock"));
            assertEquals(Code.FAILED_PRECONDITION, code(() -> mg.addPort(new PortConfig("l", link, PortMode.SERVER, 1,
                    0600))));
            assertTrue(Files.isSymbolicLink(link) && !Files.exists(elsewhere.resolve("target.sock")), "link untouched");

            Path liveSocket = extra.resolve("live.sock");
            try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                live.bind(UnixDomainSocketAddress.of(liveSocket));
                assertEquals(Code.ALREADY_EXISTS, code(() -> mg.addPort(new PortConfig("v", liveSocket, PortMode.SERVER,
                        1, 0600))));
                try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(liveSocket))) {
                    assertTrue(c.isConnected(), "the other server still owns its socket");
                }
            }
            assertTrue(Files.exists(liveSocket), "left behind by its server: a stale socket");
            mg.addPort(new PortConfig("v", liveSocket, PortMode.SERVER, 1, 0600)).toCompletableFuture()
                    .get(15, TimeUnit.SECONDS);
            DaemonFixture.connect(d.vhostd(), liveSocket, "v", b -> b).close();
            assertEquals(List.of("a", "v"), mg.ports().stream().map(p -> p.name()).toList());
        }
    }

    @Test
    void shouldGiveSocketsAndNewDirectoriesToTheConfiguredGroup() throws Exception {
        String group = group();
        Path shared = dir.resolve("shared"); // absent: created 0750 for the group
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).management(new ManagementConfig(null,
                new HostPort("127.0.0.1", 0), 0660, group, 0600, null, List.of(shared))).start()) {
            assertEquals("rw-rw----", mode(d.vhostd().controlSocket()));
            assertEquals(group, groupOf(d.vhostd().controlSocket()));
            assertEquals("rw-------", mode(d.vhostd().readOnlySocket()));
            assertEquals("rw-------", mode(d.socket("a")), "config ports default to 0600");
            Management mg = d.vhostd().management();
            mg.addPort(new PortConfig("g", shared.resolve("g.sock"), PortMode.SERVER, 1, 0660, group))
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertEquals("rw-rw----", mode(shared.resolve("g.sock")));
            assertEquals(group, groupOf(shared.resolve("g.sock")));
            assertEquals("rwx------", mode(shared), "created for no group: no configured socket needed one");
        }
        assertFalse(Files.exists(shared), "a directory vhostd created is removed at exit when empty");
    }

    @Test
    void shouldCreateAPortDirectoryForItsGroupWhenTheConfigNamesOne() throws Exception {
        String group = group();
        Path ports = dir.resolve("ports");
        try (DaemonFixture d = DaemonFixture.builder(ports).runtimeDir(dir)
                .port("a", 1, "server", "socket-mode: \"0660\"", "socket-group: " + group).start()) {
            assertEquals("rwxr-x---", mode(ports), "0750: the group reaches its sockets, no one else");
            assertEquals(group, groupOf(ports));
            assertEquals("rw-rw----", mode(d.socket("a")));
            assertEquals(group, groupOf(d.socket("a")));
        }
    }
}
