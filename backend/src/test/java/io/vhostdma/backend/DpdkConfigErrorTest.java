package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DPDK that cannot start is a config error at the key that decides it, exit 2, no socket touched,
 * and the JVM carries on: EAL arguments DPDK refuses ({@code dpdk.eal-args}), and (with the library
 * names overridden to ones that do not exist, as on a machine without DPDK) a missing DPDK
 * ({@code dma[0].engine}). This JVM is one of the {@code dpdk-forked} execution's (a JVM per class):
 * the EAL's failure is final for a process.
 */
class DpdkConfigErrorTest {
    @TempDir
    Path dir;

    private String[] run(List<String> ealArgs) throws Exception {
        Path config = dir.resolve("vhostd.yaml");
        Files.writeString(config, "ports:\n  - { name: a, socket: " + dir.resolve("a.sock") + " }\n"
                + "dma:\n  - { name: d0, engine: dpdk, channels: 1, dpdk-device: dma_skeleton0 }\n"
                + "runtime-dir: " + dir + "\nmanagement: { metrics: \"127.0.0.1:0\" }\n"
                + "dpdk:\n  eal-args: [" + String.join(", ", ealArgs.stream().map(a -> "\"" + a + "\"").toList()) + "]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void shouldExitTwoAtTheKeyThatDecidesItWhenDpdkCannotStart() throws Exception {
        System.setProperty("vhostdma.dpdk.libraries", "librte_eal_absent.so.23,librte_dmadev_absent.so.23");
        try { // first: nothing of DPDK is loaded in this JVM yet
            String[] missing = run(List.of());
            assertEquals("2", missing[0], missing[1]);
            assertTrue(missing[1].startsWith("dma[0].engine: engine dpdk cannot run here: ENODEV: DPDK libraries not"
                    + " usable") && missing[1].contains("librte_eal_absent.so.23"), missing[1]);
        } finally {
            System.clearProperty("vhostdma.dpdk.libraries");
        }
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/librte_dmadev.so.23"))) {
            System.out.println("SKIPPED: dpdk engine: DPDK 22.11 is not installed (EAL arguments not checked)");
            return;
        }
        String[] bad = run(List.of("--no-huge", "-m", "64", "--no-pci", "--not-an-eal-option", "--vdev=dma_skeleton0"));
        assertEquals("2", bad[0], bad[1]);
        assertTrue(bad[1].startsWith("dpdk.eal-args: EIO: DPDK EAL did not start: ")
                && bad[1].contains("--not-an-eal-option") && bad[1].contains("unrecognized option"), bad[1]);
        assertTrue(bad[1].contains("vhostd: 1 config problem(s); nothing was started"), bad[1]);
        assertTrue(!Files.exists(dir.resolve("a.sock")), "no socket was touched");
    }
}
