package io.vhostdma.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    void shouldPreferSystemdRuntimeDirectoryWhenItIsSet() {
        Map<String, String> env = Map.of("RUNTIME_DIRECTORY", "/run/vhostd:/run/other", "XDG_RUNTIME_DIR", "/run/u");
        assertEquals(Path.of("/run/vhostd"), RuntimeDir.resolve(env, 0));
        assertEquals(Path.of("/run/vhostd/vm0.sock"), EmbeddedDefault.create(env, 0).ports().getFirst().socket());
        assertEquals(Path.of("/run/vhostd"), EmbeddedDefault.create(env, 0).runtimeDir());
        assertEquals(Path.of("/run/u/vhostd"), RuntimeDir.resolve(Map.of("RUNTIME_DIRECTORY", "rel",
                "XDG_RUNTIME_DIR", "/run/u"), 0));
    }

    @Test
    void shouldPlaceSocketsInTmpWhenXdgPathWouldExceedSunPath() {
        String longDir = "/" + "d".repeat(100);
        assertEquals(Path.of("/tmp/vhostd-7"), EmbeddedDefault.socketDirectory(Map.of("XDG_RUNTIME_DIR", longDir), 7));
    }

    @Test
    void shouldDescribeEveryDefaultWhenCreatedOnTwoCpus() {
        VhostdConfig config = EmbeddedDefault.create(Map.of(), 0, 2);
        String token = config.accessGroups().getFirst().token();
        assertEquals(new VhostdConfig(
                List.of(new PortConfig("vm0", Path.of("/tmp/vhostd-0/vm0.sock"), PortMode.SERVER, 1, 0600),
                        new PortConfig("vm1", Path.of("/tmp/vhostd-0/vm1.sock"), PortMode.SERVER, 1, 0600)),
                1, List.of(), Forwarding.SWITCH,
                ManagementConfig.metricsOn(new HostPort("127.0.0.1", 9464)),
                List.of(new DmaDeviceConfig("dma0", "cpu", 4, 4096, 0.0, 0)),
                List.of(new BindingConfig("vm0", QueueRef.parse("rxq0"), "dma0", 0),
                        new BindingConfig("vm0", QueueRef.parse("txq0"), "dma0", 1),
                        new BindingConfig("vm1", QueueRef.parse("rxq0"), "dma0", 2),
                        new BindingConfig("vm1", QueueRef.parse("txq0"), "dma0", 3)),
                List.of(new AccessGroupConfig("default", token, List.of("vm0", "vm1")))).withRuntimeDir(
                Path.of("/tmp/vhostd-0")),
                config);
    }

    @Test
    void shouldUseTheSwEngineWhenTheMachineHasFourOrMoreCpus() {
        assertEquals("sw", EmbeddedDefault.create(Map.of(), 0, 4).dma().getFirst().engine());
        assertEquals("sw", EmbeddedDefault.create(Map.of(), 0, 64).dma().getFirst().engine());
    }

    @Test
    void shouldUseTheCpuEngineWhenTheMachineHasFewerThanFourCpus() {
        assertEquals("cpu", EmbeddedDefault.create(Map.of(), 0, 1).dma().getFirst().engine());
        assertEquals("cpu", EmbeddedDefault.create(Map.of(), 0, 3).dma().getFirst().engine());
    }

    @Test
    void shouldUseOneRandomUuidTokenForTheWholeProcessWhenCreatedRepeatedly() {
        String token = EmbeddedDefault.create(Map.of(), 0, 2).accessGroups().getFirst().token();
        assertEquals(token, UUID.fromString(token).toString());
        assertEquals(token, EmbeddedDefault.create(Map.of("XDG_RUNTIME_DIR", "/run/u"), 5, 8)
                .accessGroups().getFirst().token());
    }

    @Test
    void shouldRenderReadableYamlWhenDefaultIsPrinted() {
        VhostdConfig config = EmbeddedDefault.create(Map.of(), 1000, 4);
        String expected = """
                # vhostd configuration; reference: docs/config.md
                ports:
                  - name: vm0
                    socket: /tmp/vhostd-1000/vm0.sock
                    mode: server
                    queue-pairs: 1
                    socket-mode: "0600"
                    mac-limit: 1024
                  - name: vm1
                    socket: /tmp/vhostd-1000/vm1.sock
                    mode: server
                    queue-pairs: 1
                    socket-mode: "0600"
                    mac-limit: 1024
                dma:
                  - name: dma0
                    engine: sw
                    channels: 4
                    ring-size: 4096
                    error-probability: 0.0
                    completion-delay-us: 0
                bindings:
                  - { port: vm0, queue: rxq0, channel: dma0/0 }
                  - { port: vm0, queue: txq0, channel: dma0/1 }
                  - { port: vm1, queue: rxq0, channel: dma0/2 }
                  - { port: vm1, queue: txq0, channel: dma0/3 }
                access-groups:
                  - name: default
                    token: "TOKEN"
                    members: [vm0, vm1]
                workers: 1
                forwarding: switch
                mac-aging-time: 300
                runtime-dir: /tmp/vhostd-1000
                management:
                  socket-mode: "0600"
                  ro-socket-mode: "0600"
                  socket-dirs: []
                  metrics: 127.0.0.1:9464
                """.replace("TOKEN", config.accessGroups().getFirst().token());
        assertEquals(expected, EmbeddedDefault.yaml(config));
    }

    @Test
    void shouldParseBackToTheDefaultWhenRenderedYamlIsLoaded() throws ConfigException {
        for (int cpus : new int[] {2, 4}) {
            VhostdConfig config = EmbeddedDefault.create(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000, cpus);
            assertEquals(config, ConfigLoader.parse(EmbeddedDefault.yaml(config), "<default>", Map.of()));
        }
    }

    @Test
    void shouldWriteEmptyDmaSectionsWhenConfigHasNone() throws ConfigException {
        VhostdConfig config = new VhostdConfig(
                List.of(new PortConfig("vm0", Path.of("/tmp/v.sock"), PortMode.SERVER, 1, 0600)), 1, List.of(),
                Forwarding.SWITCH, ManagementConfig.defaults());
        String yaml = EmbeddedDefault.yaml(config);
        assertEquals(List.of("dma: []", "bindings: []", "access-groups: []", "  socket-dirs: []"),
                yaml.lines().filter(l -> l.endsWith("[]")).toList());
        assertEquals(config, ConfigLoader.parse(yaml, "<rendered>", Map.of()));
    }

    @Test
    void shouldParseBackWhenNamesAndPathsNeedQuoting() throws ConfigException {
        VhostdConfig config = new VhostdConfig(
                List.of(new PortConfig("true", Path.of("/tmp/a b/#x.sock"), PortMode.CLIENT, 3, 0660, "root"),
                        new PortConfig("007", Path.of("/tmp/1e3"), PortMode.SERVER, 1, 0600),
                        new PortConfig("null", Path.of("/tmp/\"q\":x"), PortMode.SERVER, 1, 0600)),
                2, List.of(1, 0), Forwarding.SINK,
                new ManagementConfig(null, new HostPort("localhost", 1), 0660, "root", 0644, null,
                        List.of(Path.of("/srv/a b"), Path.of("/true"))),
                List.of(), List.of(), List.of()).withRuntimeDir(Path.of("/run/#vhostd: x"));
        assertEquals(config, ConfigLoader.parse(EmbeddedDefault.yaml(config), "<rendered>", Map.of()));
    }

    @Test
    void shouldParseBackWhenDmaSectionsUseTestKnobsAndOddTokens() throws ConfigException {
        VhostdConfig config = new VhostdConfig(
                List.of(new PortConfig("true", Path.of("/tmp/a.sock"), PortMode.SERVER, 2, 0600),
                        new PortConfig("1.5", Path.of("/tmp/b.sock"), PortMode.SERVER, 1, 0600),
                        new PortConfig("vm2", Path.of("/tmp/c.sock"), PortMode.SERVER, 1, 0600)),
                1, List.of(), Forwarding.SWITCH, ManagementConfig.defaults(),
                List.of(new DmaDeviceConfig("no", "sw", 64, 16, 1.0e-4, 1_000_000),
                        new DmaDeviceConfig("d.1", "my-engine_2", 1, 65536, 1.0, 0),
                        new DmaDeviceConfig("d2", "cpu", 2, 32, 0.3333333333333333, 7)),
                List.of(new BindingConfig("true", QueueRef.parse("txq1"), "no", 63),
                        new BindingConfig("1.5", QueueRef.parse("rxq0"), "d.1", 0)),
                List.of(new AccessGroupConfig("null", " \"quoted\" \\ #not-a-comment\t\u00e9\u20ac ",
                                List.of("true", "1.5")),
                        new AccessGroupConfig("empty", "envy:file:12345678", List.of())));
        assertEquals(config, ConfigLoader.parse(EmbeddedDefault.yaml(config), "<rendered>", Map.of()));
    }

    @Test
    void shouldRefuseToRenderWhenATokenWouldReadBackAsASource() {
        VhostdConfig config = new VhostdConfig(
                List.of(new PortConfig("vm0", Path.of("/tmp/v.sock"), PortMode.SERVER, 1, 0600)), 1, List.of(),
                Forwarding.SWITCH, ManagementConfig.defaults(), List.of(), List.of(),
                List.of(new AccessGroupConfig("g", "env:NOT_A_LITERAL", List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedDefault.yaml(config));
        assertEquals("token cannot be written as a literal (it begins with env: or file:): group=g", e.getMessage());
    }

    @Test
    void shouldRejectWhenUidIsNegative() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedDefault.create(Map.of(), -1));
    }

    @Test
    void shouldRejectWhenCpuCountIsBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedDefault.create(Map.of(), 0, 0));
    }
}
