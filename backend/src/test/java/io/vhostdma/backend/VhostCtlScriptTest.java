package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code bin/vhostctl} script against a daemon started here: tables, JSON, exit codes. */
class VhostCtlScriptTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path SCRIPT = ROOT.resolve("bin/vhostctl");
    @TempDir
    Path dir;

    /** Output and exit code of one run. */
    record Run(int exit, String out, String err) {
    }

    /** The script must find the build current (Maven wrote the stamp after compiling), never rebuild here. */
    @BeforeAll
    static void requireCurrentBuild() throws IOException {
        Path stamp = ROOT.resolve("backend/target/classpath.txt");
        assertTrue(Files.exists(stamp), "build stamp missing: " + stamp);
        FileTime t = Files.getLastModifiedTime(stamp);
        try (Stream<Path> all = Files.walk(ROOT)) {
            // what bin/lib/jdk.sh's sources_changed counts: sources and poms, never Maven's output under target/
            List<Path> newer = all.filter(p -> !p.startsWith(ROOT.resolve(".cache")) && !p.startsWith(ROOT.resolve(".git")))
                    .filter(p -> !ROOT.relativize(p).toString().contains("target/"))
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".proto")
                            || p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(t) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    }).limit(3).toList();
            assertTrue(newer.isEmpty(), "sources newer than the build stamp (the script would rebuild): " + newer);
        }
    }

    static Run vhostctl(String... args) throws Exception {
        return vhostctl(Map.of(), args);
    }

    /** Runs the script with {@code env} added to an environment that names no vhostd of its own. */
    static Run vhostctl(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("VHOSTCTL_SOCKET");
        pb.environment().remove("RUNTIME_DIRECTORY");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        Thread.Builder tb = Thread.ofVirtual();
        byte[][] bufs = new byte[2][];
        Thread to = tb.start(() -> bufs[0] = read(out));
        Thread te = tb.start(() -> bufs[1] = read(err));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("vhostctl did not finish: " + cmd);
        }
        to.join();
        te.join();
        Run r = new Run(p.exitValue(), new String(bufs[0], StandardCharsets.UTF_8), new String(bufs[1], StandardCharsets.UTF_8));
        assertFalse(r.err().contains("building vhost-dma"), "the script rebuilt during a test");
        return r;
    }

    private static byte[] read(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Test
    void shouldPrintTablesJsonAndExitCodesWhenRunAgainstARunningDaemon() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2).dma("dma0", "cpu", 2, 256, 0, 0)
                .bind("b", "txq1", "dma0", 1).start()) {
            d.connect("a");
            // no flags: vhostctl computes the runtime directory as vhostd does (here systemd's variable)
            Run ports = vhostctl(Map.of("RUNTIME_DIRECTORY", dir.toString()), "ports");
            assertEquals(0, ports.exit(), ports.err());
            List<String> lines = ports.out().lines().toList();
            assertEquals(3, lines.size(), ports.out());
            assertTrue(lines.get(0).matches("PORT\\s+MODE\\s+STATE\\s+QP\\s+GROUP\\s+FEATURES\\s+MEMORY\\s+SOCKET"), lines.get(0));
            assertTrue(lines.get(1).matches("a\\s+server\\s+connected\\s+1\\s+-\\s+0x[0-9a-f]+\\s+\\S+\\s+" + d.socket("a")),
                    lines.get(1));
            assertTrue(lines.get(2).matches("b\\s+server\\s+listening\\s+2\\s+-\\s+0x0\\s+-\\s+" + d.socket("b")),
                    lines.get(2));
            assertEquals(lines.get(0).indexOf("SOCKET"), lines.get(1).indexOf(d.socket("a").toString()), "aligned");

            String socket = d.vhostd().controlSocket().toString();
            Run json = vhostctl("--socket", socket, "--json", "queues", "b");
            assertEquals(0, json.exit(), json.err());
            JsonNode qs = new ObjectMapper().readTree(json.out());
            assertEquals(4, qs.size());
            assertEquals("txq1", qs.get(3).get("queue").asText());
            assertEquals("dma0/1", qs.get(3).get("channel").asText());
            assertTrue(qs.get(0).get("channel").isNull());

            Run missing = vhostctl(Map.of("VHOSTCTL_SOCKET", socket), "port", "nope");
            assertEquals(1, missing.exit());
            assertEquals("vhostctl: NOT_FOUND: unknown port: port=nope\n", missing.err());

            Run usage = vhostctl("--socket", socket, "bind", "a");
            assertEquals(2, usage.exit());
            assertTrue(usage.err().contains("usage: vhostctl"), usage.err());
        }
    }

    @Test
    void shouldExitOneWhenDaemonIsUnreachableAndZeroForHelp() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Run r = vhostctl("--addr", "127.0.0.1:" + free, "status");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("vhostctl: cannot reach vhostd at 127.0.0.1:" + free + ": "), r.err());
        Run help = vhostctl("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("usage: vhostctl"), help.out());
    }
}
