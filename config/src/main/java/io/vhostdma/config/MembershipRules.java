package io.vhostdma.config;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of {@code access-groups} that need the {@code ports} section: every member is a
 * configured port, and a port is a member of at most one group (the later membership is reported,
 * naming the group that has it). Skipped when the ports section had a problem of its own.
 */
final class MembershipRules {

    private MembershipRules() {
    }

    /**
     * Checks {@code entries} (one per list entry, {@code null} for an entry already reported).
     *
     * @param ports the ports, or {@code null} when that section had a problem
     */
    static void check(List<AccessGroupConfig> entries, ConfigPath listPath, List<PortConfig> ports,
                      Problems problems) {
        if (ports == null) {
            return;
        }
        Set<String> portNames = new LinkedHashSet<>();
        for (PortConfig port : ports) {
            portNames.add(port.name());
        }
        Map<String, String> groupOf = new HashMap<>();
        for (int g = 0; g < entries.size(); g++) {
            AccessGroupConfig group = entries.get(g);
            if (group == null) {
                continue;
            }
            ConfigPath members = listPath.index(g).key("members");
            for (int m = 0; m < group.members().size(); m++) {
                String member = group.members().get(m);
                if (!portNames.contains(member)) {
                    problems.add(members.index(m), member + " does not exist (ports: "
                            + String.join(", ", portNames) + ")");
                    continue;
                }
                String first = groupOf.putIfAbsent(member, group.name());
                if (first != null) {
                    problems.add(members.index(m), member + " is already a member of " + first);
                }
            }
        }
    }
}
