package io.vhostdma.vhost.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What may be replaced at a socket path, and mode and group set without following links. */
class SocketFileTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void shouldTellAbsentStaleLiveAndOtherFilesApartWhenProbing() throws Exception {
        Path sock = dir.resolve("s.sock");
        assertEquals(SocketFile.State.ABSENT, SocketFile.probe(sock));
        int lfd = UnixSockets.listen(sock, 4, 0600);
        try {
            assertEquals(SocketFile.State.LIVE, SocketFile.probe(sock));
        } finally {
            Fds.close(lfd);
        }
        assertEquals(SocketFile.State.STALE, SocketFile.probe(sock), "the file outlives its listener");
        Files.writeString(dir.resolve("plain"), "x");
        assertEquals(SocketFile.State.NOT_A_SOCKET, SocketFile.probe(dir.resolve("plain")));
        Files.createSymbolicLink(dir.resolve("link.sock"), sock);
        assertEquals(SocketFile.State.NOT_A_SOCKET, SocketFile.probe(dir.resolve("link.sock")), "a link is never followed");
    }

    @Test
    void shouldRefuseLiveSocketsFilesAndLinksButReplaceStaleSocketsWhenListening() throws Exception {
        Path sock = dir.resolve("s.sock");
        int first = UnixSockets.listen(sock, 4, 0600);
        try {
            SocketPathException live = assertThrows(SocketPathException.class, () -> UnixSockets.listen(sock, 4, 0600));
            assertEquals(SocketPathException.Reason.IN_USE, live.reason());
            assertEquals("socket in use: a process listens on it: path=" + sock, live.getMessage());
            int c = UnixSockets.connect(sock, false);
            Fds.close(c);
        } finally {
            Fds.close(first);
        }
        int second = UnixSockets.listen(sock, 4, 0600); // stale: replaced
        Fds.close(second);

        Path target = dir.resolve("target");
        Files.writeString(target, "keep");
        Path link = dir.resolve("link.sock");
        Files.createSymbolicLink(link, target);
        SocketPathException e = assertThrows(SocketPathException.class, () -> UnixSockets.listen(link, 4, 0600));
        assertEquals(SocketPathException.Reason.NOT_A_SOCKET, e.reason());
        assertTrue(Files.isSymbolicLink(link), "the link is left alone");
        assertEquals("keep", Files.readString(target));
    }

    @Test
    void shouldGiveTheSocketItsExactModeAndGroupBeforeAnyoneCanConnect() throws Exception {
        Path sock = dir.resolve("g.sock");
        // as root: a group vhostd is not in (proves the chown); otherwise the only kind a user may give
        boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        String group = root ? "nogroup"
                : Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        int lfd = UnixSockets.listen(sock, 4, 0660, group);
        try {
            assertEquals("rw-rw----", mode(sock), "0660 set exactly, whatever the umask");
            assertEquals(group, Files.readAttributes(sock, java.nio.file.attribute.PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).group().getName());
        } finally {
            Fds.close(lfd);
        }
    }

    @Test
    void shouldChangeTheSocketNotTheTargetWhenPathIsALink() throws Exception {
        Path target = dir.resolve("target");
        Files.writeString(target, "x");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, target);
        assertThrows(SysException.class, () -> SocketFile.setMode(link, 0666));
        assertEquals("rw-------", mode(target), "the link's target kept its mode");
    }
}
