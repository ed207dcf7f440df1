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
        assertEquals(0777, mode("\"0777\""));
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
