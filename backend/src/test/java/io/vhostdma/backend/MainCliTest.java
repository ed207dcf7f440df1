package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.VhostdConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes, config problems as {@code path: message}, the default config. */
class MainCliTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitTwoAndListEveryProblemWhenConfigIsBad() throws IOException {
        Path sock = dir.resolve("x.sock");
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "ports:\n  - name: x\n    socket: " + sock + "\n    queue-pairs: 0\n"
                + "  - name: \"y z\"\n    socket: relative.sock\nforwarding: hub\nworkers: 0\n");
        assertEquals(2, run("--config", file.toString()));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> problems = lines.subList(0, lines.size() - 1);
        assertTrue(problems.contains("ports[0].queue-pairs: 0 is out of range (1..128)"), lines.toString());
        assertTrue(problems.contains("forwarding: \"hub\" is not one of switch, sink"), lines.toString());
        assertTrue(problems.stream().anyMatch(l -> l.startsWith("ports[1].name: ")), lines.toString());
        assertTrue(problems.stream().anyMatch(l -> l.startsWith("ports[1].socket: ")), lines.toString());
        assertTrue(problems.stream().anyMatch(l -> l.startsWith("workers: ")), lines.toString());
        for (String p : problems) {
            assertTrue(p.matches("[A-Za-z0-9_.\\[\\]-]+: .+"), "path: message form: " + p);
        }
        assertEquals("vhostd: " + problems.size() + " config problem(s); nothing was started", lines.getLast());
        assertFalse(Files.exists(sock), "no socket created");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitTwoWithoutTouchingSocketsWhenDmaEngineIsUnknown() throws IOException {
        Path sock = dir.resolve("e.sock");
        Path file = dir.resolve("engine.yaml");
        Files.writeString(file, "ports:\n  - { name: e, socket: " + sock + " }\n"
                + "dma:\n  - { name: dma0, engine: warp, channels: 2 }\n"
                + "bindings:\n  - { port: e, queue: rxq0, channel: dma0/0 }\n");
        assertEquals(2, run("--config", file.toString()));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("dma[0].engine: unknown engine warp (available: cpu, sw, dpdk)", lines.getFirst(), lines.toString());
        assertEquals("vhostd: 1 config problem(s); nothing was started", lines.getLast());
        assertFalse(Files.exists(sock), "no socket created");
    }

    @Test
    void shouldPrintDefaultConfigThatTheLoaderAccepts() throws ConfigException {
        assertEquals(0, run("--print-default-config"));
        VhostdConfig c = ConfigLoader.parse(out.toString(StandardCharsets.UTF_8), "default");
        assertEquals(List.of("vm0", "vm1"), c.ports().stream().map(p -> p.name()).toList());
        assertEquals(Main.defaultConfig(), c);
    }

    @Test
    void shouldExitTwoWithUsageWhenArgumentIsUnknown() {
        assertEquals(2, run("--bogus"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("vhostd: unknown argument: --bogus"), e);
        assertTrue(e.contains("usage: vhostd"), e);
    }
}
