package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code access-groups} section, entry by entry: a unique {@code name}, a {@code token} (see
 * {@link Tokens}) and {@code members}, a list of port names without repeats (default empty). Whether
 * the members exist and belong to one group only needs the ports: {@link MembershipRules} checks that
 * once everything is read.
 */
final class AccessGroupsReader {

    static final List<String> KEYS = List.of("name", "token", "members");

    private final ConfigPath listPath;
    private final Map<String, String> env;
    private final Problems problems;
    private final Map<String, Integer> names = new HashMap<>();

    private AccessGroupsReader(ConfigPath listPath, Map<String, String> env, Problems problems) {
        this.listPath = listPath;
        this.env = env;
        this.problems = problems;
    }

    /**
     * One element per list entry, in order: the group, or {@code null} for an entry with a problem (so
     * indexes stay those of the document). {@code null} instead of a list when the section itself is
     * not a list.
     *
     * @param env the environment {@code env:VAR} tokens are read from
     */
    static List<AccessGroupConfig> read(JsonNode node, ConfigPath path, Map<String, String> env,
                                        Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        AccessGroupsReader reader = new AccessGroupsReader(path, env, problems);
        List<AccessGroupConfig> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            entries.add(reader.readGroup(node.get(i), i));
        }
        return entries;
    }

    private AccessGroupConfig readGroup(JsonNode node, int index) {
        ConfigPath path = listPath.index(index);
        if (!Nodes.isMapping(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        Mapping group = Mapping.of(node, path, problems, KEYS);
        String name = Names.readName(group, problems);
        if (name != null) {
            Names.checkUnique(names, name, index, listPath, group.path("name"), "name", problems);
        }
        String token = null;
        if (!group.has("token")) {
            problems.add(group.path("token"), "is required");
        } else {
            token = Tokens.resolve(group.get("token"), group.path("token"), env, problems);
        }
        List<String> members = group.has("members") ? readMembers(group.get("members"), group.path("members"))
                : List.of();
        if (problems.count() != before) {
            return null;
        }
        return new AccessGroupConfig(name, token, members);
    }

    private List<String> readMembers(JsonNode node, ConfigPath path) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        List<String> members = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String member = Nodes.string(node.get(i), path.index(i), problems);
            if (member != null) {
                Names.checkUnique(seen, member, i, path, path.index(i), "member", problems);
                members.add(member);
            }
        }
        return members;
    }
}
