package io.vhostdma.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration vhostd runs with when no {@code --config} is given (design.md §7): two server
 * ports {@code vm0} and {@code vm1} with one queue pair each, switch forwarding, one worker, and the
 * management defaults. Sockets live in {@code $XDG_RUNTIME_DIR/vhostd/}, or in
 * {@code /tmp/vhostd-<uid>/} when that variable is unset, empty, not absolute, or so long that a
 * socket path would not fit in sun_path.
 */
public final class EmbeddedDefault {

    /** Names of the default ports. */
    public static final List<String> PORT_NAMES = List.of("vm0", "vm1");

    private EmbeddedDefault() {
    }

    /**
     * The default config for a process with environment {@code env} running as {@code uid}.
     *
     * @param env the process environment ({@code System.getenv()}); only XDG_RUNTIME_DIR is read
     * @param uid the real user id, used in the fallback directory name
     */
    public static VhostdConfig create(Map<String, String> env, int uid) {
        if (uid < 0) {
            throw new IllegalArgumentException("uid must not be negative: uid=" + uid);
        }
        Path dir = socketDirectory(env, uid);
        List<PortConfig> ports = PORT_NAMES.stream()
                .map(name -> new PortConfig(name, dir.resolve(name + ".sock"), PortMode.SERVER,
                        PortConfig.DEFAULT_QUEUE_PAIRS, PortConfig.DEFAULT_SOCKET_MODE))
                .toList();
        return new VhostdConfig(ports, VhostdConfig.DEFAULT_WORKERS, List.of(), Forwarding.SWITCH,
                ManagementConfig.defaults());
    }

    /** The directory the default sockets are created in. */
    public static Path socketDirectory(Map<String, String> env, int uid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && runtime.startsWith("/")) {
            Path dir = Path.of(runtime, "vhostd");
            String longest = dir.resolve("vm0.sock").toString();
            if (longest.getBytes(StandardCharsets.UTF_8).length <= SocketPaths.MAX_BYTES) {
                return dir;
            }
        }
        return Path.of("/tmp", "vhostd-" + uid);
    }

    /**
     * {@code config} rendered as YAML that {@link ConfigLoader#parse} reads back to an equal config,
     * every key written out (for {@code vhostd --print-default-config} and documentation).
     */
    public static String yaml(VhostdConfig config) {
        return ConfigYaml.render(config);
    }
}
