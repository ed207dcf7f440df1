package io.vhostdma.backend.ctl;

import io.vertx.core.net.SocketAddress;
import io.vhostdma.config.RuntimeDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where vhostctl sends its calls. In order: {@code --addr HOST:PORT} (TCP; the management token from
 * {@code --token-file} opens changes, reads work without it); {@code --socket PATH}; {@code $VHOSTCTL_SOCKET};
 * else the runtime directory computed as vhostd computes it for this user ({@link RuntimeDir#resolve}):
 * its {@code vhostd.sock}, or, for a command that only reads, {@code vhostd-ro.sock} when
 * {@code vhostd.sock} is not accessible but the read-only socket is. A default directory owned by
 * another user is not trusted (vhostctl would send group tokens there).
 *
 * @param address where to connect
 * @param text    the address as messages show it
 * @param bearer  the TCP management token, or {@code null}
 */
record Target(SocketAddress address, String text, String bearer) {

    /** The options that choose the target, as given ({@code null} when absent). */
    record Options(String addr, String socket, String tokenFile) {
    }

    static Target resolve(Options o, boolean readOnly, Map<String, String> env, Secrets secrets) {
        if (o.addr() != null && o.socket() != null) {
            throw CtlException.usage("--addr and --socket name two different endpoints: give one");
        }
        if (o.tokenFile() != null && o.addr() == null) {
            throw CtlException.usage("--token-file before the command is the TCP management token: it needs --addr"
                    + " (a group's token goes after join, leave or create-group)");
        }
        if (o.addr() != null) {
            VhostCtl.Address a = VhostCtl.Address.parse(o.addr());
            String bearer = o.tokenFile() == null ? null : secrets.read(o.tokenFile());
            return new Target(SocketAddress.inetSocketAddress(a.port(), a.host()), o.addr(), bearer);
        }
        String socket = o.socket() != null ? o.socket() : env.getOrDefault("VHOSTCTL_SOCKET", "");
        if (!socket.isEmpty()) {
            return unix(Path.of(socket));
        }
        int uid = RuntimeDir.currentUid();
        Path dir = RuntimeDir.resolve(env, uid);
        trust(dir, uid);
        Path control = dir.resolve(RuntimeDir.CONTROL_SOCKET);
        Path ro = dir.resolve(RuntimeDir.READ_ONLY_SOCKET);
        return unix(readOnly && !Files.isWritable(control) && Files.isWritable(ro) ? ro : control);
    }

    private static Target unix(Path socket) {
        return new Target(SocketAddress.domainSocketAddress(socket.toString()), socket.toString(), null);
    }

    /** Refuses a default runtime directory that exists and belongs to another user. */
    private static void trust(Path dir, int uid) {
        int owner;
        try {
            owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return; // absent: the connect fails and says so
        }
        if (owner != uid) {
            throw new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: " + dir + " is owned by uid=" + owner + ", not by you"
                    + " (uid=" + uid + "): not using it; name vhostd's socket with --socket PATH");
        }
    }
}
