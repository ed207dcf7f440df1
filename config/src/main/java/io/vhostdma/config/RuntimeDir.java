package io.vhostdma.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * vhostd's runtime directory (design.md §7, §9): where its management sockets ({@value #CONTROL_SOCKET},
 * {@value #READ_ONLY_SOCKET}) and the embedded default's port sockets live. The config key
 * {@code runtime-dir} or the flag {@code --runtime-dir} names it; otherwise it is, in order:
 * <ol>
 *   <li>{@code $RUNTIME_DIRECTORY} (set by systemd for {@code RuntimeDirectory=}; the first entry
 *       when it lists several, separated by {@code :});</li>
 *   <li>{@code $XDG_RUNTIME_DIR/vhostd};</li>
 *   <li>{@code /tmp/vhostd-<uid>}.</li>
 * </ol>
 * A candidate is skipped when it is unset, empty, not absolute, or so long that
 * {@code <dir>/vhostd-ro.sock} would not fit in sun_path. vhostctl computes the same directory from its
 * own environment, so both find each other when run by the same user in the same session.
 */
public final class RuntimeDir {

    /** The socket that serves every RPC (mode 0600 unless {@code management.socket-mode} widens it). */
    public static final String CONTROL_SOCKET = "vhostd.sock";
    /** The socket that serves read-only RPCs only. */
    public static final String READ_ONLY_SOCKET = "vhostd-ro.sock";

    private RuntimeDir() {
    }

    /** The default runtime directory for a process with environment {@code env} running as {@code uid}. */
    public static Path resolve(Map<String, String> env, int uid) {
        String systemd = env.get("RUNTIME_DIRECTORY");
        Path dir = usable(systemd == null ? null : systemd.split(":", -1)[0], null);
        if (dir != null) {
            return dir;
        }
        dir = usable(env.get("XDG_RUNTIME_DIR"), "vhostd");
        return dir != null ? dir : Path.of("/tmp", "vhostd-" + uid);
    }

    /** Whether every socket vhostd puts directly in {@code dir} fits in sun_path. */
    public static boolean fits(Path dir) {
        return dir.resolve(READ_ONLY_SOCKET).toString().getBytes(StandardCharsets.UTF_8).length
                <= SocketPaths.MAX_BYTES;
    }

    /** The effective uid of this process (the owner of {@code /proc/self}); 0 when it cannot be read. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Path usable(String base, String child) {
        if (base == null || !base.startsWith("/")) {
            return null;
        }
        try {
            Path dir = (child == null ? Path.of(base) : Path.of(base, child)).normalize();
            return fits(dir) ? dir : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
