package io.vhostdma.config;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems as {@code path: message} lines, in the order they are found. */
final class Problems {

    private final List<String> lines = new ArrayList<>();

    /** Records {@code path: message}. */
    void add(ConfigPath path, String message) {
        lines.add(path + ": " + message);
    }

    /** Records a line that is already in {@code where: message} form (source-level problems). */
    void addLine(String line) {
        lines.add(line);
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Number of problems so far; callers compare counts to know whether a value was valid. */
    int count() {
        return lines.size();
    }

    /** The exception carrying every problem found. */
    ConfigException toException(String source) {
        return new ConfigException(source, lines);
    }
}
