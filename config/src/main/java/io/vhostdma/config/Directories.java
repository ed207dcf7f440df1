package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Directories vhostd creates sockets in ({@code runtime-dir}, {@code management.socket-dirs}): absolute
 * paths, normalized. Whether they exist and who owns them is checked when vhostd starts, not here.
 */
final class Directories {

    private Directories() {
    }

    /** The directory in {@code node}, or {@code null} after recording a problem. */
    static Path read(JsonNode node, ConfigPath path, Problems problems) {
        String text = Nodes.string(node, path, problems);
        if (text == null) {
            return null;
        }
        Path dir;
        try {
            dir = text.indexOf('\0') < 0 ? Path.of(text) : null;
        } catch (InvalidPathException e) {
            dir = null;
        }
        if (dir == null || !dir.isAbsolute()) {
            problems.add(path, Nodes.quote(text) + " is not an absolute directory path");
            return null;
        }
        dir = dir.normalize();
        if (!RuntimeDir.fits(dir)) {
            problems.add(path, "too long: " + dir.resolve(RuntimeDir.READ_ONLY_SOCKET) + " would not fit in sun_path ("
                    + SocketPaths.MAX_BYTES + " bytes)");
            return null;
        }
        return dir;
    }

    /** A list of distinct directories, or {@code null} after recording a problem. */
    static List<Path> readList(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        List<Path> dirs = new ArrayList<>();
        Map<Path, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            Path dir = read(node.get(i), path.index(i), problems);
            if (dir != null) {
                Names.checkUnique(seen, dir, i, path, path.index(i), "directory", problems);
                dirs.add(dir);
            }
        }
        return problems.count() == before ? dirs : null;
    }
}
