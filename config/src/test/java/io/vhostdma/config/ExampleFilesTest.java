package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.problems;
import static io.vhostdma.config.ConfigTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleFilesTest {

    static final VhostdConfig EXPECTED = new VhostdConfig(
            List.of(new PortConfig("vm1", Path.of("/tmp/vhostd/vm1.sock"), PortMode.SERVER, 1, 0600),
                    new PortConfig("vm2", Path.of("/tmp/vhostd/vm2.sock"), PortMode.CLIENT, 4, 0660, "root")),
            2, List.of(0, 1), Forwarding.SINK,
            new ManagementConfig(null, new HostPort("::1", 0), 0660, "root", 0644, null, List.of(Path.of("/srv/vhost"))),
            List.of(new DmaDeviceConfig("dma0", "sw", 8, 1024, 0.01, 50),
                    new DmaDeviceConfig("dma1", "cpu", 4, 4096)),
            List.of(new BindingConfig("vm1", QueueRef.parse("rxq0"), "dma0", 0),
                    new BindingConfig("vm1", QueueRef.parse("txq0"), "dma0", 1),
                    new BindingConfig("vm2", QueueRef.parse("txq3"), "dma1", 3)),
            List.of(new AccessGroupConfig("tenant-a", "7b0c3f0e-4b8e-4c55-9a59-0b8f1f3b2a11", List.of("vm1", "vm2")),
                    new AccessGroupConfig("spare", "0123456789abcdef", List.of())))
            .withRuntimeDir(Path.of("/run/vhostd"));

    @Test
    void shouldLoadEveryKeyWhenFullYamlExampleIsParsed() throws ConfigException {
        assertEquals(EXPECTED, ConfigLoader.parse(resource("full-example.yaml"), "full-example.yaml"));
    }

    @Test
    void shouldLoadTheSameConfigWhenExampleIsTabIndentedJson() throws ConfigException {
        assertEquals(EXPECTED, ConfigLoader.parse(resource("full-example.json"), "full-example.json"));
    }

    @Test
    void shouldLoadJsonWhenWrittenOnOneLine() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(
                "{\"ports\":[{\"name\":\"vm0\",\"socket\":\"/tmp/a.sock\",\"queue-pairs\":2}],\"workers\":1}", "x.json");
        assertEquals(2, config.ports().getFirst().queuePairs());
    }

    @Test
    void shouldLoadYamlFlowMappingWhenItIsNotStrictJson() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse("{ports: [{name: vm0, socket: /tmp/a.sock}], workers: 2}", "x");
        assertEquals(2, config.workers());
    }

    @Test
    void shouldLoadTheDesignExampleWhenItHasEverySection() throws ConfigException {
        VhostdConfig config = ConfigLoader.parse(resource("design-example.yaml"), "design-example.yaml", Map.of());
        assertEquals(List.of(new DmaDeviceConfig("dma0", "sw", 4, 4096)), config.dma());
        assertEquals(List.of(new BindingConfig("vm1", QueueRef.parse("rxq0"), "dma0", 0),
                new BindingConfig("vm1", QueueRef.parse("txq0"), "dma0", 1),
                new BindingConfig("vm2", QueueRef.parse("rxq0"), "dma0", 2),
                new BindingConfig("vm2", QueueRef.parse("txq0"), "dma0", 3)), config.bindings());
        assertEquals(List.of(new AccessGroupConfig("tenant-a", "7b0c3f0e-4b8e-4c55-9a59-0b8f1f3b2a11",
                List.of("vm1", "vm2"))), config.accessGroups());
    }

    @Test
    void shouldReadBackTheFullExampleWhenItIsRendered() throws ConfigException {
        assertEquals(EXPECTED, ConfigLoader.parse(EmbeddedDefault.yaml(EXPECTED), "<rendered>", Map.of()));
    }

    @Test
    void shouldReportDmaSectionProblemsWithTheSamePathsWhenInputIsJson() {
        String json = """
                {"ports": [{"name": "vm0", "socket": "/tmp/a.sock"}],
                 "dma": [{"name": "dma0", "engine": "sw", "channels": 2, "error-probability": "high"}],
                 "bindings": [{"port": "vm9", "queue": "rxq0", "channel": "dma0/2"}],
                 "access-groups": [{"name": "g", "token": "env:G_TOKEN", "members": ["vm0"]},
                                   {"name": "h", "token": "literal-token", "members": ["vm1"]}]}
                """;
        assertEquals(List.of("dma[0].error-probability: must be a number, got \"high\"",
                        "access-groups[0].token: environment variable G_TOKEN is not set",
                        "bindings[0].port: vm9 does not exist (ports: vm0)",
                        "access-groups[1].members[0]: vm1 does not exist (ports: vm0)"),
                problems(json));
    }

    @Test
    void shouldReportJsonValidationProblemsWithTheSamePaths() {
        assertEquals(List.of("ports[0].queue-pairs: 0 is out of range (1..128)",
                        "workers: must be an integer, got \"two\""),
                problems("{\"ports\": [{\"name\": \"vm0\", \"socket\": \"/tmp/a.sock\", \"queue-pairs\": 0}],"
                        + " \"workers\": \"two\"}"));
    }
}
