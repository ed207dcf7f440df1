package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.port;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SocketModeValidationTest {

    private static int mode(String value) throws ConfigException {
        return ConfigLoader.parse(port("socket-mode: " + value), "t").ports().getFirst().socketMode();
    }

    @Test
    void shouldReadOctalWhenModeIsQuoted() throws ConfigException {
        assertEquals(0660, mode("\"0660\""));
        assertEquals(0600, mode("'600'"));
        assertEquals(0640, mode("\"0640\""));
    }

    @Test
    void shouldRejectWhenModeLetsEveryUserConnect() {
        assertEquals(List.of("ports[0].socket-mode: \"0666\" grants more than \"0660\" allows (only vhostd's user and"
                + " a socket-group may connect)"), problems(port("socket-mode: \"0666\"")));
        assertEquals(List.of("ports[0].socket-mode: \"0700\" grants more than \"0660\" allows (only vhostd's user and"
                + " a socket-group may connect)"), problems(port("socket-mode: \"0700\"")));
    }

    @Test
    void shouldReadSocketGroupWhenItExistsAndMayConnect() throws ConfigException {
        PortConfig p = ConfigLoader.parse(port("socket-mode: \"0660\"", "socket-group: root"), "t").ports().getFirst();
        assertEquals("root", p.socketGroup());
        assertEquals(null, ConfigLoader.parse(port(), "t").ports().getFirst().socketGroup());
    }

    @Test
    void shouldRejectWhenSocketGroupIsUnknownOrLacksWriteAccess() {
        assertEquals(List.of("ports[0].socket-group: no such group no-such-group-x"),
                problems(port("socket-mode: \"0660\"", "socket-group: no-such-group-x")));
        assertEquals(List.of("ports[0].socket-group: group root cannot connect with socket-mode \"0600\" (give the"
                + " group read and write, e.g. \"0660\")"), problems(port("socket-group: root")));
        assertEquals(List.of("ports[0].socket-group: \"a b\" is not a group name"),
                problems(port("socket-mode: \"0660\"", "socket-group: a b")));
    }

    @Test
    void shouldRejectWhenModeIsAnUnquotedNumber() {
        assertEquals(List.of("ports[0].socket-mode: must be a quoted octal string like \"0600\", got 384"),
                problems(port("socket-mode: 0600")));
    }

    @Test
    void shouldRejectWhenModeIsNotOctal() {
        assertEquals(List.of("ports[0].socket-mode: \"0680\" is not an octal mode like \"0600\""),
                problems(port("socket-mode: \"0680\"")));
        assertEquals(List.of("ports[0].socket-mode: \"rw-------\" is not an octal mode like \"0600\""),
                problems(port("socket-mode: rw-------")));
    }

    @Test
    void shouldRejectWhenModeHasBitsBeyondPermissions() {
        assertEquals(List.of("ports[0].socket-mode: \"1777\" has bits outside the permission bits 0777"),
                problems(port("socket-mode: \"1777\"")));
    }

    @Test
    void shouldRejectWhenModeLacksOwnerReadWrite() {
        assertEquals(List.of("ports[0].socket-mode: \"0400\" must include owner read and write (0600)"),
                problems(port("socket-mode: \"0400\"")));
        assertEquals(List.of("ports[0].socket-mode: \"0266\" must include owner read and write (0600)"),
                problems(port("socket-mode: \"0266\"")));
    }
}
