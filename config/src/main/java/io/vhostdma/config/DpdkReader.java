package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code dpdk} section: {@code eal-args} (a list of non-empty strings) and {@code unsealed-memory}. */
final class DpdkReader {

    static final List<String> KEYS = List.of("eal-args", "unsealed-memory");

    private DpdkReader() {
    }

    /** The section, or {@code null} after recording a problem. */
    static DpdkConfig read(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping section = Mapping.of(node, path, problems, KEYS);
        List<String> args = section.has("eal-args") ? readArgs(section.get("eal-args"), section.path("eal-args"), problems)
                : List.of();
        DpdkConfig.UnsealedMemory unsealed = section.has("unsealed-memory")
                ? Nodes.oneOf(section.get("unsealed-memory"), section.path("unsealed-memory"), problems,
                        DpdkConfig.UnsealedMemory.class)
                : DpdkConfig.UnsealedMemory.CPU;
        if (problems.count() != before) {
            return null;
        }
        return new DpdkConfig(args, unsealed);
    }

    private static List<String> readArgs(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            ConfigPath p = path.index(i);
            String arg = Nodes.string(node.get(i), p, problems);
            if (arg != null && arg.isBlank()) {
                problems.add(p, "must not be empty");
            } else if (arg != null) {
                out.add(arg);
            }
        }
        return out;
    }
}
