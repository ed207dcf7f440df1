package io.vhostdma.config;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code access-groups} section.
 *
 * @param name    unique group name, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,31}}
 * @param token   the group's secret, already resolved (a literal, or read from {@code env:VAR} /
 *                {@code file:PATH} at load time); never empty
 * @param members names of configured ports joined at start-up, each in at most one group
 */
public record AccessGroupConfig(String name, String token, List<String> members) {

    /** Copies the list and checks the components are present. */
    public AccessGroupConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        members = List.copyOf(members);
    }

    @Override
    public String toString() {
        return "AccessGroupConfig[name=" + name + ", token=<hidden>, members=" + members + "]";
    }
}
