package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.problems;
import static io.vhostdma.config.ConfigTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleFilesTest {

    static final VhostdConfig EXPECTED = new VhostdConfig(
            List.of(new PortConfig("vm1", Path.of("/tmp/vhostd/vm1.sock"), PortMode.SERVER, 1, 0600),
                    new PortConfig("vm2", Path.of("/tmp/vhostd/vm2.sock"), PortMode.CLIENT, 4, 0660)),
            2, List.of(0, 1), Forwarding.SINK,
            new ManagementConfig(new HostPort("127.0.0.1", 50051), new HostPort("::1", 0)));

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
    void shouldReportThreeNotSupportedProblemsWhenDesignExampleHasDmaSections() {
        assertEquals(List.of(
                "dma: not supported yet (arrives with the DMA data path)",
                "bindings: not supported yet (arrives with the DMA data path)",
                "access-groups: not supported yet (arrives with DMA access groups)"),
                problems(resource("design-example.yaml")));
    }

    @Test
    void shouldReportJsonValidationProblemsWithTheSamePaths() {
        assertEquals(List.of("ports[0].queue-pairs: 0 is out of range (1..128)",
                        "workers: must be an integer, got \"two\""),
                problems("{\"ports\": [{\"name\": \"vm0\", \"socket\": \"/tmp/a.sock\", \"queue-pairs\": 0}],"
                        + " \"workers\": \"two\"}"));
    }
}
