package io.vhostdma.backend.sockets;

import io.vhostdma.config.ManagementConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.config.VhostdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every directory vhostd creates sockets in — the runtime directory (management sockets), each
 * {@code management.socket-dirs} entry, and the directory of each server port's socket — prepared
 * under the directory rule of {@link SocketDir} before any socket is touched.
 */
public final class SocketDirectories {
    private SocketDirectories() {
    }

    /**
     * Creates the missing directories of {@code config} (whose runtime directory must be set) and checks
     * the existing ones.
     *
     * @return the directories vhostd created, to remove at exit when empty
     * @throws EnvironmentException naming the config key of the first directory that breaks the rule
     */
    public static List<Path> prepare(VhostdConfig config, int uid) {
        List<Path> created = new ArrayList<>();
        try {
            for (SocketDir d : plan(config)) {
                created.addAll(d.prepare(uid));
            }
        } catch (RuntimeException e) {
            removeEmpty(created);
            throw e;
        }
        return created;
    }

    /** The directories of {@code config}, each with what its sockets need, first key first. */
    static List<SocketDir> plan(VhostdConfig config) {
        Map<Path, SocketDir> dirs = new LinkedHashMap<>();
        ManagementConfig m = config.management();
        SocketDir runtime = dir(dirs, config.runtimeDir(), "runtime-dir");
        runtime.socket(m.socketMode(), m.socketGroup());
        runtime.socket(m.roSocketMode(), null);
        for (int i = 0; i < m.socketDirs().size(); i++) {
            dir(dirs, m.socketDirs().get(i), "management.socket-dirs[" + i + "]");
        }
        for (int i = 0; i < config.ports().size(); i++) {
            PortConfig p = config.ports().get(i);
            if (p.mode() == PortMode.SERVER) {
                dir(dirs, p.socket().toAbsolutePath().normalize().getParent(), "ports[" + i + "].socket")
                        .socket(p.socketMode(), p.socketGroup());
            }
        }
        return List.copyOf(dirs.values());
    }

    private static SocketDir dir(Map<Path, SocketDir> dirs, Path dir, String key) {
        return dirs.computeIfAbsent(dir.normalize(), d -> new SocketDir(d, key));
    }

    /**
     * Checks an existing directory a live AddPort would create a socket in (it was prepared at start;
     * the check catches a change since).
     */
    public static void check(Path dir, String key, int uid) {
        new SocketDir(dir, key).check(uid);
    }

    /** Removes {@code created} deepest first, each only while it is empty. */
    public static void removeEmpty(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // not empty (a socket left by a crashed peer, an operator's file): keep it
            }
        }
    }
}
