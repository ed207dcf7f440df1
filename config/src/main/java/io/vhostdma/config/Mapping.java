package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A mapping (YAML mapping / JSON object) with a fixed set of known keys. Creating one reports every
 * unknown key as {@code path.key: unknown key (known: a, b, c)}.
 */
final class Mapping {

    private final JsonNode node;
    private final ConfigPath path;

    private Mapping(JsonNode node, ConfigPath path) {
        this.node = node;
        this.path = path;
    }

    /** Wraps {@code node} (which must be an object) and reports its keys not in {@code known}. */
    static Mapping of(JsonNode node, ConfigPath path, Problems problems, List<String> known) {
        for (var entry : node.properties()) {
            String key = entry.getKey();
            if (!known.contains(key)) {
                problems.add(path.key(key), "unknown key (known: " + String.join(", ", known) + ")");
            }
        }
        return new Mapping(node, path);
    }

    /** The value under {@code key}, or {@code null} when the key is absent. */
    JsonNode get(String key) {
        return node.get(key);
    }

    /** Whether {@code key} is present (even with a null value). */
    boolean has(String key) {
        return node.has(key);
    }

    /** The path of the value under {@code key}. */
    ConfigPath path(String key) {
        return path.key(key);
    }
}
