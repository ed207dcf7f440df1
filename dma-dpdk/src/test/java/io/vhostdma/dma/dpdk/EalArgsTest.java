package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The EAL arguments vhostd builds (pure logic: no DPDK started). */
class EalArgsTest {
    @Test
    void shouldUseJvmFriendlyDefaultsWhenNoArgumentsAreConfigured() {
        List<String> argv = EalArgs.build(List.of(), "vhostd-42", List.of(0, 1));
        assertEquals(List.of("vhostd", "--no-huge", "-m", "256", "--no-pci", "--no-telemetry", "--no-shconf",
            "--file-prefix=vhostd-42", "--lcores=0@(0,1)", "--main-lcore=0"), argv);
    }

    @Test
    void shouldMapMainLcoreToEveryJvmCpuAndPinOnlyNamedDeviceLcoresWhenVdevsNameThem() {
        List<String> argv = EalArgs.build(List.of("--no-huge", "--vdev=dma_skeleton0,lcore=0", "--vdev",
            "dma_skeleton1,lcore=2"), "p", List.of(0, 1, 2, 3));
        assertTrue(argv.contains("--lcores=1@(0,1,2,3),0@0,2@2"), argv.toString());
        assertTrue(argv.contains("--main-lcore=1"), "lcore 0 is a device's: the main lcore takes 1: " + argv);
    }

    @Test
    void shouldKeepConfiguredLcoresAndPrefixWhenGiven() {
        for (String lcores : List.of("-l", "-l0-1", "-c", "-c0x3", "--lcores=0@1", "--main-lcore=1")) {
            List<String> argv = EalArgs.build(List.of(lcores, "--file-prefix=mine"), "p", List.of(0));
            assertTrue(argv.stream().noneMatch(a -> a.startsWith("--lcores=0@(")), lcores + ": " + argv);
            assertEquals(1, argv.stream().filter(a -> a.startsWith("--file-prefix")).count(), argv.toString());
        }
        assertTrue(EalArgs.build(List.of("--log-level=lib.eal:debug"), "p", List.of(0)).contains("--lcores=0@(0)"),
            "--log-level is not an lcore option");
    }

    @Test
    void shouldReplaceFilePrefixWhenTheProbeGetsItsOwn() {
        List<String> argv = EalArgs.build(List.of("--no-huge", "--file-prefix", "x"), "p", List.of(0));
        List<String> probe = EalArgs.withFilePrefix(argv, "x-probe");
        assertEquals(1, probe.stream().filter(a -> a.startsWith("--file-prefix")).count(), probe.toString());
        assertTrue(probe.contains("--file-prefix=x-probe") && !probe.contains("x"), probe.toString());
        assertEquals("vhostd", probe.get(0));
    }
}
