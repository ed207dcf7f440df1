package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.ctl.VhostCtl;
import io.vhostdma.config.AccessGroupConfig;
import io.vhostdma.config.BindingConfig;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostctl config dump} against a running vhostd after live changes (a port added, one removed,
 * a queue bound, one unbound, a group joined): the dump is a config {@code vhostd --check} accepts, and
 * read back it holds exactly the ports, bindings and groups (with their tokens) vhostd runs now. The
 * read-only socket refuses it (it holds tokens).
 */
class ConfigDumpTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run ctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VhostCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void ok(String... args) {
        Run r = ctl(args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
    }

    @Test
    void shouldDumpLiveChangesAsAConfigVhostdAcceptsWhenPortsBindingsAndGroupsChangedLive() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("gone", 1)
                .dma("dma0", "cpu", 4, 256, 0, 0).bind("a", "rxq0", "dma0", 0).bind("a", "txq0", "dma0", 1)
                .group("g1", "token-g1", "a").start()) {
            String sock = dir.resolve("vhostd.sock").toString();
            Path token = dir.resolve("g1.token");
            Files.writeString(token, "token-g1\n");
            ok("--socket", sock, "add-port", "c", dir.resolve("c.sock").toString(), "--queue-pairs", "2");
            ok("--socket", sock, "remove-port", "gone");
            ok("--socket", sock, "bind", "c", "txq1", "dma0/3");
            ok("--socket", sock, "unbind", "a", "txq0");
            ok("--socket", sock, "join", "b", "g1", "--token-file", token.toString());
            Run dump = ctl("--socket", sock, "config", "dump");
            assertEquals(0, dump.exit(), dump.err());
            Path file = dir.resolve("dump.yaml");
            Files.writeString(file, dump.out());

            ByteArrayOutputStream checkOut = new ByteArrayOutputStream();
            ByteArrayOutputStream checkErr = new ByteArrayOutputStream();
            int check = Main.run(new String[] {"--check", "--config", file.toString()},
                    new PrintStream(checkOut, true, StandardCharsets.UTF_8), new PrintStream(checkErr, true, StandardCharsets.UTF_8));
            assertEquals(0, check, checkErr.toString(StandardCharsets.UTF_8) + "\n" + dump.out());
            assertTrue(checkOut.toString(StandardCharsets.UTF_8).startsWith("vhostd: config ok: ports=3 dma=1 bindings=2"),
                    checkOut.toString(StandardCharsets.UTF_8));

            VhostdConfig back = ConfigLoader.load(file);
            assertEquals(List.of("a", "b", "c"), back.ports().stream().map(PortConfig::name).toList());
            PortConfig c = back.ports().get(2);
            assertEquals(dir.resolve("c.sock"), c.socket());
            assertEquals(2, c.queuePairs());
            Set<String> bindings = back.bindings().stream().map(ConfigDumpTest::text).collect(Collectors.toSet());
            assertEquals(Set.of("a rxq0 dma0/0", "c txq1 dma0/3"), bindings);
            assertEquals(1, back.accessGroups().size());
            AccessGroupConfig g = back.accessGroups().getFirst();
            assertEquals("g1", g.name());
            assertEquals("token-g1", g.token());
            assertEquals(Set.of("a", "b"), Set.copyOf(g.members()));
            assertEquals(List.of("dma0 cpu 4 256"), back.dma().stream()
                    .map(x -> x.name() + " " + x.engine() + " " + x.channels() + " " + x.ringSize()).toList());

            Run ro = ctl("--socket", dir.resolve("vhostd-ro.sock").toString(), "config", "dump");
            assertEquals(1, ro.exit(), ro.out());
            assertTrue(ro.err().startsWith("vhostctl: PERMISSION_DENIED: "), ro.err());
        }
    }

    private static String text(BindingConfig b) {
        return b.port() + " " + b.queue() + " " + b.device() + "/" + b.channel();
    }
}
