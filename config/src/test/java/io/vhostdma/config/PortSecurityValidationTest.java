package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.port;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortSecurityValidationTest {

    private static PortConfig onlyPort(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t").ports().getFirst();
    }

    @Test
    void shouldApplyMacDefaultsWhenKeysAreAbsent() throws ConfigException {
        VhostdConfig c = ConfigLoader.parse(port(), "t");
        assertEquals(PortConfig.DEFAULT_MAC_LIMIT, c.ports().getFirst().macLimit());
        assertEquals(List.of(), c.ports().getFirst().allowedMacs());
        assertEquals(300, c.macAgingTime());
    }

    @Test
    void shouldReadMacLimitAndCanonicalAllowedMacsWhenGiven() throws ConfigException {
        PortConfig p = onlyPort(port("mac-limit: 4", "allowed-macs: [52:54:00:AB:cd:01, \"02:00:00:00:00:02\"]"));
        assertEquals(4, p.macLimit());
        assertEquals(List.of("52:54:00:ab:cd:01", "02:00:00:00:00:02"), p.allowedMacs());
    }

    @Test
    void shouldRejectWhenMacLimitIsOutOfRange() {
        assertEquals(List.of("ports[0].mac-limit: 0 is out of range (1..65536)"), problems(port("mac-limit: 0")));
        assertEquals(List.of("ports[0].mac-limit: must be an integer, got \"8\""), problems(port("mac-limit: \"8\"")));
    }

    @Test
    void shouldRejectWhenAllowedMacIsMalformedMulticastOrRepeated() {
        assertEquals(List.of(
                "ports[0].allowed-macs[0]: \"52:54:00:00:01\" is not a MAC address (aa:bb:cc:dd:ee:ff)",
                "ports[0].allowed-macs[1]: \"01:00:5e:00:00:01\" is not a unicast address (a guest sends from its own MAC)",
                "ports[0].allowed-macs[3]: duplicate MAC 52:54:00:00:00:01 (also ports[0].allowed-macs[2])",
                "ports[0].allowed-macs[4]: must be a string, got 7"),
                problems(port("allowed-macs: [52:54:00:00:01, 01:00:5e:00:00:01, 52:54:00:00:00:01, 52:54:00:00:00:01, 7]")));
    }

    @Test
    void shouldRejectWhenAllowedMacsIsNotAList() {
        assertEquals(List.of("ports[0].allowed-macs: must be a list, got \"52:54:00:00:00:01\""),
                problems(port("allowed-macs: \"52:54:00:00:00:01\"")));
    }

    @Test
    void shouldReadMacAgingTimeAndRejectItOutOfRange() throws ConfigException {
        assertEquals(15, ConfigLoader.parse(ONE_PORT + "mac-aging-time: 15\n", "t").macAgingTime());
        assertEquals(List.of("mac-aging-time: 0 is out of range (1..86400)"), problems(ONE_PORT + "mac-aging-time: 0\n"));
    }

    @Test
    void shouldRenderAndLoadBackWhenPortSecurityIsSet() throws ConfigException {
        VhostdConfig c = ConfigLoader.parse(port("mac-limit: 3", "allowed-macs: [52:54:00:00:00:01]")
                + "mac-aging-time: 60\n", "t");
        assertEquals(c, ConfigLoader.parse(ConfigYaml.render(c), "rendered"));
    }
}
