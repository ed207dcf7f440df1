package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.port;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsValidationTest {

    @Test
    void shouldApplyPortDefaultsWhenOnlyNameAndSocketAreGiven() throws ConfigException {
        PortConfig port = ConfigLoader.parse(port(), "t").ports().getFirst();
        assertEquals(new PortConfig("vm0", Path.of("/tmp/vhostd/vm0.sock"), PortMode.SERVER, 1, 0600), port);
    }

    @Test
    void shouldReadEveryPortKeyWhenAllAreGiven() throws ConfigException {
        PortConfig port = ConfigLoader.parse(
                port("mode: client", "queue-pairs: 128", "socket-mode: \"0660\""), "t").ports().getFirst();
        assertEquals(new PortConfig("vm0", Path.of("/tmp/vhostd/vm0.sock"), PortMode.CLIENT, 128, 0660), port);
    }

    @Test
    void shouldRejectWhenPortsIsMissing() {
        assertEquals(List.of("ports: is required (at least one port)"), problems("workers: 1\n"));
    }

    @Test
    void shouldRejectWhenDocumentIsEmpty() {
        assertEquals(List.of("ports: is required (at least one port)"), problems(""));
    }

    @Test
    void shouldRejectWhenPortsIsEmpty() {
        assertEquals(List.of("ports: at least one port is required"), problems("ports: []\n"));
    }

    @Test
    void shouldRejectWhenPortsIsNotAList() {
        assertEquals(List.of("ports: must be a list, got a mapping"), problems("ports: {name: vm0}\n"));
    }

    @Test
    void shouldRejectWhenPortIsNotAMapping() {
        assertEquals(List.of("ports[0]: must be a mapping, got \"vm0\""), problems("ports: [vm0]\n"));
    }

    @Test
    void shouldRejectWhenNameAndSocketAreMissing() {
        assertEquals(List.of("ports[0].name: is required", "ports[0].socket: is required"),
                problems("ports:\n  - mode: server\n"));
    }

    @Test
    void shouldRejectWhenNameHasInvalidCharacters() {
        assertEquals(List.of("ports[0].name: \"vm 1!\" is not a valid name"
                        + " (1..32 of A-Z a-z 0-9 _ . -, starting with a letter or digit)"),
                problems("ports:\n  - name: vm 1!\n    socket: /tmp/a.sock\n"));
    }

    @Test
    void shouldRejectWhenNameIsLongerThan32Characters() {
        String name = "a".repeat(33);
        assertEquals(List.of("ports[0].name: \"" + name + "\" is not a valid name"
                        + " (1..32 of A-Z a-z 0-9 _ . -, starting with a letter or digit)"),
                problems("ports:\n  - name: " + name + "\n    socket: /tmp/a.sock\n"));
    }

    @Test
    void shouldAcceptWhenNameIsExactly32CharactersWithPunctuation() throws ConfigException {
        String name = "0a_b.c-" + "d".repeat(25);
        assertEquals(name, ConfigLoader.parse("ports:\n  - name: " + name + "\n    socket: /tmp/a.sock\n", "t")
                .ports().getFirst().name());
    }

    @Test
    void shouldRejectWhenNameIsNotAString() {
        assertEquals(List.of("ports[0].name: must be a string, got 5"),
                problems("ports:\n  - name: 5\n    socket: /tmp/a.sock\n"));
    }

    @Test
    void shouldRejectWhenNamesAreDuplicated() {
        String yaml = """
                ports:
                  - {name: vm1, socket: /tmp/a.sock}
                  - {name: vm2, socket: /tmp/b.sock}
                  - {name: vm1, socket: /tmp/c.sock}
                """;
        assertEquals(List.of("ports[2].name: duplicate name vm1 (also ports[0])"), problems(yaml));
    }

    @Test
    void shouldReportDuplicateNameWhenTheFirstPortHasOtherProblems() {
        String yaml = """
                ports:
                  - {name: vm1, socket: /tmp/a.sock, queue-pairs: 0}
                  - {name: vm1, socket: /tmp/b.sock}
                """;
        assertEquals(List.of("ports[0].queue-pairs: 0 is out of range (1..128)",
                "ports[1].name: duplicate name vm1 (also ports[0])"), problems(yaml));
    }

    @Test
    void shouldRejectWhenSocketsAreDuplicatedAfterNormalization() {
        String yaml = """
                ports:
                  - {name: vm1, socket: /tmp/vhostd/a.sock}
                  - {name: vm2, socket: /tmp/x/../vhostd/a.sock}
                """;
        assertEquals(List.of("ports[1].socket: duplicate socket /tmp/vhostd/a.sock (also ports[0])"),
                problems(yaml));
    }

    @Test
    void shouldRejectWhenSocketIsRelative() {
        assertEquals(List.of("ports[0].socket: \"vm0.sock\" is not an absolute path"),
                problems("ports:\n  - name: vm0\n    socket: vm0.sock\n"));
    }

    @Test
    void shouldRejectWhenSocketIsTheRootDirectory() {
        assertEquals(List.of("ports[0].socket: \"/\" names no socket file"),
                problems("ports:\n  - name: vm0\n    socket: /\n"));
    }

    @Test
    void shouldRejectWhenSocketContainsNul() {
        assertEquals(List.of("ports[0].socket: \"/tmp/a\\u0000b\" contains a NUL character"),
                problems("ports:\n  - name: vm0\n    socket: \"/tmp/a\\0b\"\n"));
    }

    @Test
    void shouldRejectWhenSocketIsLongerThanSunPath() {
        String socket = "/" + "s".repeat(107);
        assertEquals(List.of("ports[0].socket: too long: 108 bytes (at most 107 fit in sun_path)"),
                problems("ports:\n  - name: vm0\n    socket: " + socket + "\n"));
    }

    @Test
    void shouldAcceptWhenSocketIsExactly107Bytes() throws ConfigException {
        String socket = "/" + "s".repeat(106);
        assertEquals(Path.of(socket), ConfigLoader.parse("ports:\n  - name: vm0\n    socket: " + socket + "\n", "t")
                .ports().getFirst().socket());
    }

    @Test
    void shouldCountBytesNotCharactersWhenSocketIsNonAscii() {
        String socket = "/" + "é".repeat(54);
        assertEquals(List.of("ports[0].socket: too long: 109 bytes (at most 107 fit in sun_path)"),
                problems("ports:\n  - name: vm0\n    socket: " + socket + "\n"));
    }

    @Test
    void shouldRejectWhenQueuePairsIsZero() {
        assertEquals(List.of("ports[0].queue-pairs: 0 is out of range (1..128)"), problems(port("queue-pairs: 0")));
    }

    @Test
    void shouldRejectWhenQueuePairsIsAbove128() {
        assertEquals(List.of("ports[0].queue-pairs: 129 is out of range (1..128)"),
                problems(port("queue-pairs: 129")));
    }

    @Test
    void shouldRejectWhenQueuePairsIsHuge() {
        assertEquals(List.of("ports[0].queue-pairs: 99999999999999999999 is out of range (1..128)"),
                problems(port("queue-pairs: 99999999999999999999")));
    }

    @Test
    void shouldRejectWhenQueuePairsIsNotAnInteger() {
        assertEquals(List.of("ports[0].queue-pairs: must be an integer, got 1.5"), problems(port("queue-pairs: 1.5")));
    }

    @Test
    void shouldRejectWhenModeIsUnknown() {
        assertEquals(List.of("ports[0].mode: \"listen\" is not one of server, client"), problems(port("mode: listen")));
    }

    @Test
    void shouldRejectWhenModeIsNotLowerCase() {
        assertEquals(List.of("ports[0].mode: \"Server\" is not one of server, client"), problems(port("mode: Server")));
    }

    @Test
    void shouldRejectWhenModeIsNotAString() {
        assertEquals(List.of("ports[0].mode: must be one of server, client, got true"), problems(port("mode: yes")));
    }

    @Test
    void shouldRejectWhenPortHasUnknownKey() {
        assertEquals(List.of("ports[0].sockett: unknown key (known: name, socket, mode, queue-pairs, socket-mode,"
                        + " socket-group, mac-limit, allowed-macs)"),
                problems(port("sockett: /tmp/x.sock")));
    }

    @Test
    void shouldRejectWhenNullValueIsGiven() {
        assertEquals(List.of("ports[0].queue-pairs: must be an integer, got null"), problems(port("queue-pairs:")));
    }
}
