package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.TWO_PORTS_TWO_DEVICES;
import static io.vhostdma.config.ConfigTestSupport.parse;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessGroupsValidationTest {

    private static final String TOKEN = "s3cret-token-a";

    /** The two-port fixture with the given access-group entries (flow mappings). */
    private static String groups(String... entries) {
        StringBuilder out = new StringBuilder(TWO_PORTS_TWO_DEVICES).append("access-groups:\n");
        for (String entry : entries) {
            out.append("  - ").append(entry).append('\n');
        }
        return out.toString();
    }

    @Test
    void shouldReadGroupWhenTokenIsALiteral() throws ConfigException {
        VhostdConfig config = parse(groups("{name: tenant-a, token: " + TOKEN + ", members: [vm1, vm0]}"));
        assertEquals(List.of(new AccessGroupConfig("tenant-a", TOKEN, List.of("vm1", "vm0"))), config.accessGroups());
        assertEquals("tenant-a", config.groupOf("vm0").name());
    }

    @Test
    void shouldHaveNoMembersWhenMembersIsAbsentOrEmpty() throws ConfigException {
        VhostdConfig config = parse(groups("{name: a, token: " + TOKEN + "}", "{name: b, token: " + TOKEN
                + ", members: []}"));
        assertEquals(List.of(List.of(), List.of()),
                config.accessGroups().stream().map(AccessGroupConfig::members).toList());
        assertNull(config.groupOf("vm0"));
    }

    @Test
    void shouldRejectWhenNameAndTokenAreMissing() {
        assertEquals(List.of("access-groups[0].name: is required", "access-groups[0].token: is required"),
                problems(groups("{members: [vm0]}")));
    }

    @Test
    void shouldRejectWhenGroupHasAnUnknownKeyOrIsNotAMapping() {
        assertEquals(List.of("access-groups[0].member: unknown key (known: name, token, members)",
                        "access-groups[1]: must be a mapping, got \"g\""),
                problems(groups("{name: a, token: " + TOKEN + ", member: [vm0]}", "g")));
    }

    @Test
    void shouldRejectWhenGroupNameBreaksTheNameRuleOrIsRepeated() {
        assertEquals(List.of("access-groups[0].name: \"-a\" is not a valid name"
                        + " (1..32 of A-Z a-z 0-9 _ . -, starting with a letter or digit)",
                        "access-groups[2].name: duplicate name b (also access-groups[1])"),
                problems(groups("{name: \"-a\", token: " + TOKEN + "}", "{name: b, token: " + TOKEN + "}",
                        "{name: b, token: " + TOKEN + "}")));
    }

    @Test
    void shouldRejectWithoutShowingTheTokenWhenLiteralIsTooShortOrTooLong() {
        String tooLong = "x".repeat(257);
        List<String> found = problems(groups("{name: a, token: short12}", "{name: b, token: \"\"}",
                "{name: c, token: " + tooLong + "}"));
        assertEquals(List.of("access-groups[0].token: literal token has 7 characters (8..256 required)",
                "access-groups[1].token: literal token has 0 characters (8..256 required)",
                "access-groups[2].token: literal token has 257 characters (8..256 required)"), found);
        assertFalse(String.join("\n", found).contains("short12"));
    }

    @Test
    void shouldAcceptLiteralTokenWhenItHasEightOr256Characters() throws ConfigException {
        VhostdConfig config = parse(groups("{name: a, token: \"12345678\"}",
                "{name: b, token: " + "y".repeat(256) + "}"));
        assertEquals(List.of(8, 256), config.accessGroups().stream().map(g -> g.token().length()).toList());
    }

    @Test
    void shouldRejectWithoutShowingTheValueWhenTokenIsNotAString() {
        List<String> found = problems(groups("{name: a, token: 987654321}"));
        assertEquals(List.of("access-groups[0].token: must be a string (a literal token, env:VAR or file:PATH),"
                + " got a number"), found);
        assertFalse(found.getFirst().contains("987654321"));
    }

    @Test
    void shouldRejectWhenMemberIsNotAConfiguredPort() {
        assertEquals(List.of("access-groups[0].members[1]: vm7 does not exist (ports: vm0, vm1)"),
                problems(groups("{name: a, token: " + TOKEN + ", members: [vm0, vm7]}")));
    }

    @Test
    void shouldRejectWhenMemberIsRepeatedWithinAGroup() {
        assertEquals(List.of("access-groups[0].members[2]: duplicate member vm0 (also access-groups[0].members[0])"),
                problems(groups("{name: a, token: " + TOKEN + ", members: [vm0, vm1, vm0]}")));
    }

    @Test
    void shouldRejectLaterMembershipNamingTheGroupWhenAPortIsInTwoGroups() {
        assertEquals(List.of("access-groups[1].members[0]: vm1 is already a member of tenant-a"),
                problems(groups("{name: tenant-a, token: " + TOKEN + ", members: [vm1]}",
                        "{name: tenant-b, token: " + TOKEN + ", members: [vm1, vm0]}")));
    }

    @Test
    void shouldRejectWhenMembersIsNotAListOfStrings() {
        assertEquals(List.of("access-groups[0].members: must be a list, got \"vm0\"",
                        "access-groups[1].members[0]: must be a string, got a mapping"),
                problems(groups("{name: a, token: " + TOKEN + ", members: vm0}",
                        "{name: b, token: " + TOKEN + ", members: [{port: vm1}]}")));
    }

    @Test
    void shouldHideTheTokenWhenGroupIsPrinted() {
        String text = new AccessGroupConfig("a", TOKEN, List.of("vm0")).toString();
        assertEquals("AccessGroupConfig[name=a, token=<hidden>, members=[vm0]]", text);
    }
}
