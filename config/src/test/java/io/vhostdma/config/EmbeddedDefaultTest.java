package io.vhostdma.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedDefaultTest {

    private static List<Path> sockets(VhostdConfig config) {
        return config.ports().stream().map(PortConfig::socket).toList();
    }

    @Test
    void shouldPlaceSocketsInXdgRuntimeDirWhenItIsSet() {
        VhostdConfig config = EmbeddedDefault.create(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000);
        assertEquals(List.of(Path.of("/run/user/1000/vhostd/vm0.sock"), Path.of("/run/user/1000/vhostd/vm1.sock")),
                sockets(config));
    }

    @Test
    void shouldPlaceSocketsInTmpWhenXdgRuntimeDirIsUnset() {
        VhostdConfig config = EmbeddedDefault.create(Map.of(), 1234);
        assertEquals(List.of(Path.of("/tmp/vhostd-1234/vm0.sock"), Path.of("/tmp/vhostd-1234/vm1.sock")),
                sockets(config));
    }

    @Test
    void shouldPlaceSocketsInTmpWhenXdgRuntimeDirIsEmptyOrRelative() {
        assertEquals(Path.of("/tmp/vhostd-7"), EmbeddedDefault.socketDirectory(Map.of("XDG_RUNTIME_DIR", ""), 7));
        assertEquals(Path.of("/tmp/vhostd-7"), EmbeddedDefault.socketDirectory(Map.of("XDG_RUNTIME_DIR", "run"), 7));
    }

    @Test
    void shouldPlaceSocketsInTmpWhenXdgPathWouldExceedSunPath() {
        String longDir = "/" + "d".repeat(100);
        assertEquals(Path.of("/tmp/vhostd-7"), EmbeddedDefault.socketDirectory(Map.of("XDG_RUNTIME_DIR", longDir), 7));
    }

    @Test
    void shouldDescribeTwoServerPortsSwitchAndLoopbackManagementWhenCreated() {
        VhostdConfig config = EmbeddedDefault.create(Map.of(), 0);
        assertEquals(new VhostdConfig(
                List.of(new PortConfig("vm0", Path.of("/tmp/vhostd-0/vm0.sock"), PortMode.SERVER, 1, 0600),
                        new PortConfig("vm1", Path.of("/tmp/vhostd-0/vm1.sock"), PortMode.SERVER, 1, 0600)),
                1, List.of(), Forwarding.SWITCH,
                new ManagementConfig(new HostPort("127.0.0.1", 50051), new HostPort("127.0.0.1", 9464))), config);
    }

    @Test
    void shouldRenderReadableYamlWhenDefaultIsPrinted() {
        String expected = """
                # vhostd configuration; reference: docs/config.md
                ports:
                  - name: vm0
                    socket: /tmp/vhostd-1000/vm0.sock
                    mode: server
                    queue-pairs: 1
                    socket-mode: "0600"
                  - name: vm1
                    socket: /tmp/vhostd-1000/vm1.sock
                    mode: server
                    queue-pairs: 1
                    socket-mode: "0600"
                workers: 1
                forwarding: switch
                management:
                  grpc: 127.0.0.1:50051
                  metrics: 127.0.0.1:9464
                """;
        assertEquals(expected, EmbeddedDefault.yaml(EmbeddedDefault.create(Map.of(), 1000)));
    }

    @Test
    void shouldParseBackToTheDefaultWhenRenderedYamlIsLoaded() throws ConfigException {
        VhostdConfig config = EmbeddedDefault.create(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000);
        assertEquals(config, ConfigLoader.parse(EmbeddedDefault.yaml(config), "<default>"));
    }

    @Test
    void shouldParseBackWhenNamesAndPathsNeedQuoting() throws ConfigException {
        VhostdConfig config = new VhostdConfig(
                List.of(new PortConfig("true", Path.of("/tmp/a b/#x.sock"), PortMode.CLIENT, 3, 0666),
                        new PortConfig("007", Path.of("/tmp/1e3"), PortMode.SERVER, 1, 0600),
                        new PortConfig("null", Path.of("/tmp/\"q\":x"), PortMode.SERVER, 1, 0600)),
                2, List.of(1, 0), Forwarding.SINK,
                new ManagementConfig(new HostPort("::1", 0), new HostPort("localhost", 1)));
        assertEquals(config, ConfigLoader.parse(EmbeddedDefault.yaml(config), "<rendered>"));
    }

    @Test
    void shouldRejectWhenUidIsNegative() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedDefault.create(Map.of(), -1));
    }
}
