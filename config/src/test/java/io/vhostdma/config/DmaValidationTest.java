package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.parse;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DmaValidationTest {

    /** One DMA device with the given extra lines (each indented under the device). */
    private static String device(String... lines) {
        StringBuilder out = new StringBuilder(ONE_PORT).append("dma:\n  - name: dma0\n    engine: sw\n");
        for (String line : lines) {
            out.append("    ").append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void shouldApplyDeviceDefaultsWhenOnlyNameAndEngineAreGiven() throws ConfigException {
        assertEquals(List.of(new DmaDeviceConfig("dma0", "sw", 4, 4096, 0.0, 0)), parse(device()).dma());
    }

    @Test
    void shouldReadEveryDeviceKeyWhenAllAreGiven() throws ConfigException {
        VhostdConfig config = parse(device("channels: 64", "ring-size: 65536", "error-probability: 0.25",
                "completion-delay-us: 1000000"));
        assertEquals(List.of(new DmaDeviceConfig("dma0", "sw", 64, 65536, 0.25, 1_000_000)), config.dma());
    }

    @Test
    void shouldAcceptLowestValuesWhenAtTheirMinimum() throws ConfigException {
        VhostdConfig config = parse(device("channels: 1", "ring-size: 16", "error-probability: 1",
                "completion-delay-us: 0"));
        assertEquals(List.of(new DmaDeviceConfig("dma0", "sw", 1, 16, 1.0, 0)), config.dma());
    }

    @Test
    void shouldAcceptAnyWellFormedEngineNameWhenTheEngineIsUnknownHere() throws ConfigException {
        String yaml = ONE_PORT + "dma:\n  - {name: d0, engine: cpu}\n  - {name: d1, engine: idxd_x-2}\n";
        assertEquals(List.of("cpu", "idxd_x-2"), parse(yaml).dma().stream().map(DmaDeviceConfig::engine).toList());
    }

    @Test
    void shouldRejectWhenNameAndEngineAreMissing() {
        assertEquals(List.of("dma[0].name: is required", "dma[0].engine: is required"),
                problems(ONE_PORT + "dma:\n  - channels: 2\n"));
    }

    @Test
    void shouldRejectWhenEngineNameIsMalformed() {
        assertEquals(List.of(
                "dma[0].engine: \"SW\" is not a valid engine name (a-z 0-9 _ -, starting with a letter a-z)",
                "dma[1].engine: \"9x\" is not a valid engine name (a-z 0-9 _ -, starting with a letter a-z)",
                "dma[2].engine: \"\" is not a valid engine name (a-z 0-9 _ -, starting with a letter a-z)",
                "dma[3].engine: must be a string, got 7"),
                problems(ONE_PORT + "dma:\n  - {name: a, engine: SW}\n  - {name: b, engine: 9x}\n"
                        + "  - {name: c, engine: \"\"}\n  - {name: d, engine: 7}\n"));
    }

    @Test
    void shouldRejectWhenDeviceNameBreaksTheNameRule() {
        assertEquals(List.of("dma[0].name: \"dma 0\" is not a valid name"
                        + " (1..32 of A-Z a-z 0-9 _ . -, starting with a letter or digit)"),
                problems(ONE_PORT + "dma:\n  - {name: dma 0, engine: sw}\n"));
    }

    @Test
    void shouldRejectSecondDeviceWhenNameIsRepeated() {
        assertEquals(List.of("dma[2].name: duplicate name dma0 (also dma[0])"),
                problems(ONE_PORT + "dma:\n  - {name: dma0, engine: sw}\n  - {name: dma1, engine: sw}\n"
                        + "  - {name: dma0, engine: cpu}\n"));
    }

    @Test
    void shouldRejectWhenChannelsIsOutOfRangeOrNotAnInteger() {
        assertEquals(List.of("dma[0].channels: 0 is out of range (1..64)"), problems(device("channels: 0")));
        assertEquals(List.of("dma[0].channels: 65 is out of range (1..64)"), problems(device("channels: 65")));
        assertEquals(List.of("dma[0].channels: must be an integer, got \"4\""), problems(device("channels: \"4\"")));
    }

    @Test
    void shouldRejectWhenRingSizeIsNotAPowerOfTwo() {
        assertEquals(List.of("dma[0].ring-size: 1000 is not a power of two"), problems(device("ring-size: 1000")));
    }

    @Test
    void shouldRejectWhenRingSizeIsOutOfRange() {
        assertEquals(List.of("dma[0].ring-size: 8 is out of range (16..65536)"), problems(device("ring-size: 8")));
        assertEquals(List.of("dma[0].ring-size: 131072 is out of range (16..65536)"),
                problems(device("ring-size: 131072")));
    }

    @Test
    void shouldRejectWhenErrorProbabilityIsOutsideZeroToOne() {
        assertEquals(List.of("dma[0].error-probability: 1.5 is out of range (0..1)"),
                problems(device("error-probability: 1.5")));
        assertEquals(List.of("dma[0].error-probability: -0.1 is out of range (0..1)"),
                problems(device("error-probability: -0.1")));
    }

    @Test
    void shouldRejectWhenErrorProbabilityIsNotANumber() {
        assertEquals(List.of("dma[0].error-probability: must be a number, got \"0.5\""),
                problems(device("error-probability: \"0.5\"")));
    }

    @Test
    void shouldRejectWhenCompletionDelayIsOutOfRange() {
        assertEquals(List.of("dma[0].completion-delay-us: -1 is out of range (0..1000000)"),
                problems(device("completion-delay-us: -1")));
        assertEquals(List.of("dma[0].completion-delay-us: 1000001 is out of range (0..1000000)"),
                problems(device("completion-delay-us: 1000001")));
    }

    @Test
    void shouldRejectWhenDeviceHasAnUnknownKeyOrIsNotAMapping() {
        assertEquals(List.of("dma[0].rings: unknown key (known: name, engine, channels, ring-size,"
                        + " error-probability, completion-delay-us, dpdk-device)", "dma[1]: must be a mapping, got \"dma1\""),
                problems(ONE_PORT + "dma:\n  - {name: dma0, engine: sw, rings: 2}\n  - dma1\n"));
    }

    @Test
    void shouldReportEveryBadKeyWhenOneDeviceHasSeveral() {
        assertEquals(List.of("dma[0].channels: 0 is out of range (1..64)",
                        "dma[0].ring-size: 100 is not a power of two",
                        "dma[0].error-probability: 2 is out of range (0..1)"),
                problems(device("channels: 0", "ring-size: 100", "error-probability: 2")));
    }

    @Test
    void shouldReadDpdkDeviceAndEalArgumentsWhenEngineIsDpdk() throws ConfigException {
        VhostdConfig config = parse(ONE_PORT + "dma:\n  - {name: d0, engine: dpdk, channels: 1, dpdk-device: dma_skeleton0}\n"
                + "dpdk:\n  eal-args: [\"--no-huge\", \"--vdev=dma_skeleton0,lcore=1\"]\n  unsealed-memory: allow\n");
        assertEquals(List.of(new DmaDeviceConfig("d0", "dpdk", 1, 4096, 0.0, 0, "dma_skeleton0")), config.dma());
        assertEquals(new DpdkConfig(List.of("--no-huge", "--vdev=dma_skeleton0,lcore=1"), DpdkConfig.UnsealedMemory.ALLOW),
                config.dpdk());
        assertEquals(DpdkConfig.defaults(), parse(ONE_PORT).dpdk(), "no dpdk section: defaults, nothing started");
    }

    @Test
    void shouldRejectDpdkDeviceWhenMissingMisplacedOrWithSoftwareKnobs() {
        assertEquals(List.of("dma[0].dpdk-device: is required with engine: dpdk (a dmadev name such as dma_skeleton0)",
                "dma[1].dpdk-device: only with engine: dpdk (engine is sw)",
                "dma[2].error-probability: not supported by engine dpdk (a test knob of the software engines)",
                "dma[3].dpdk-device: must not be empty"),
                problems(ONE_PORT + "dma:\n  - {name: a, engine: dpdk}\n  - {name: b, engine: sw, dpdk-device: x}\n"
                        + "  - {name: c, engine: dpdk, dpdk-device: y, error-probability: 0.5}\n"
                        + "  - {name: d, engine: dpdk, dpdk-device: \" \"}\n"));
    }

    @Test
    void shouldRejectDpdkSectionWhenMalformed() {
        assertEquals(List.of("dpdk.lcores: unknown key (known: eal-args, unsealed-memory)",
                "dpdk.eal-args[1]: must not be empty", "dpdk.eal-args[2]: must be a string, got 3",
                "dpdk.unsealed-memory: \"always\" is not one of cpu, allow"),
                problems(ONE_PORT + "dpdk:\n  eal-args: [\"--no-huge\", \"\", 3]\n  unsealed-memory: always\n"
                        + "  lcores: 2\n"));
        assertEquals(List.of("dpdk.eal-args: must be a list, got \"--no-huge\""),
                problems(ONE_PORT + "dpdk:\n  eal-args: \"--no-huge\"\n"));
    }

    @Test
    void shouldRenderDpdkSettingsSoTheyReadBackEqualWhenNotDefaults() throws ConfigException {
        VhostdConfig config = parse(ONE_PORT + "dma:\n  - {name: d0, engine: dpdk, channels: 1, dpdk-device: dma_skeleton0}\n"
                + "dpdk:\n  eal-args: [\"--no-huge\", \"-m\", \"64\"]\n");
        String yaml = EmbeddedDefault.yaml(config);
        assertEquals(config, parse(yaml), yaml);
    }
}
