package io.vhostdma.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The name rule shared by ports, DMA devices and access groups ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,31}})
 * and the per-list uniqueness check ({@code dma[1].name: duplicate name dma0 (also dma[0])}).
 */
final class Names {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

    private Names() {
    }

    /** The required {@code name} key of {@code entry}, or {@code null} after recording a problem. */
    static String readName(Mapping entry, Problems problems) {
        ConfigPath path = entry.path("name");
        if (!entry.has("name")) {
            problems.add(path, "is required");
            return null;
        }
        String name = Nodes.string(entry.get("name"), path, problems);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add(path, Nodes.quote(name) + " is not a valid name"
                    + " (1..32 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
            return null;
        }
        return name;
    }

    /**
     * Records {@code at: duplicate WHAT KEY (also LIST[i])} when an earlier entry of the list at
     * {@code listPath} already used {@code key}; otherwise remembers it for entry {@code index}.
     */
    static <K> void checkUnique(Map<K, Integer> seen, K key, int index, ConfigPath listPath, ConfigPath at,
                                String what, Problems problems) {
        Integer first = seen.putIfAbsent(key, index);
        if (first != null) {
            problems.add(at, "duplicate " + what + " " + Nodes.shownPlain(key.toString()) + " (also " + listPath.index(first) + ")");
        }
    }
}
