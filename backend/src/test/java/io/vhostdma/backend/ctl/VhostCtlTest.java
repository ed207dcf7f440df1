package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.grpc.FakeManagement;
import io.vhostdma.backend.grpc.GrpcEndpoint;
import io.vhostdma.backend.grpc.Listener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vhostctl in-process against the service over a hand-built Management: output, JSON, exit codes. */
class VhostCtlTest {
    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static FakeManagement m;
    private static GrpcEndpoint endpoint;
    private static Path socket;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        m = new FakeManagement();
        socket = dir.resolve("vhostd.sock");
        endpoint = GrpcEndpoint.start(vertx, m, List.of(Listener.unix(socket, 0600, null, Listener.Access.FULL)))
                .toCompletionStage().toCompletableFuture().join();
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        m.failure = null;
    }

    private int run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return VhostCtl.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintAlignedQueueTableWhenQueuesAsked() {
        assertEquals(0, run("queues", "vm1"), err());
        List<String> lines = out().lines().toList();
        assertEquals(3, lines.size(), out());
        assertTrue(lines.get(0).startsWith("PORT  QUEUE  RING  STARTED"), lines.get(0));
        assertTrue(lines.get(1).matches("vm1\\s+rxq0\\s+0\\s+yes\\s+0\\s+dma0/0\\s+10\\s+1000\\s+3\\s+0\\s+10\\s+9\\s+1\\s+1"),
                lines.get(1));
        assertTrue(lines.get(2).matches("vm1\\s+txq0\\s+1\\s+yes\\s+0\\s+-\\s+20\\s+2000\\s+0\\s+2\\s+0\\s+0\\s+0\\s+0"),
                lines.get(2));
        int col = lines.get(0).indexOf("CHANNEL");
        assertEquals('d', lines.get(1).charAt(col), "columns aligned");
        assertEquals('-', lines.get(2).charAt(col), "columns aligned");
    }

    @Test
    void shouldPrintViewFieldsAsJsonWhenJsonAsked() throws Exception {
        assertEquals(0, run("--json", "port", "vm1"), err());
        JsonNode port = new ObjectMapper().readTree(out());
        assertEquals("vm1", port.get("name").asText());
        assertEquals("/tmp/a \"b\"\\c.sock", port.get("socket").asText());
        assertEquals(0x1_0000_0000L, port.get("features").asLong());
        assertEquals("external", port.get("regions").get(0).get("kind").asText());
    }

    @Test
    void shouldExitOneWithCodeAndMessageWhenServerRefuses() {
        assertEquals(1, run("port", "vm9"));
        assertEquals("vhostctl: NOT_FOUND: unknown port: port=vm9\n", err());
        m.failure = new ControlException(ControlException.Code.ALREADY_EXISTS, "channel in use: channel=dma0/0");
        err.reset();
        assertEquals(1, run("bind", "vm1", "rxq0", "dma0/0"));
        assertEquals("vhostctl: ALREADY_EXISTS: channel in use: channel=dma0/0\n", err());
    }

    @Test
    void shouldExitTwoWithUsageWhenCommandLineIsWrong() {
        assertEquals(2, run("bind", "vm1"));
        assertTrue(err().startsWith("vhostctl: bind: expected 3 argument(s), got 1\nusage: vhostctl"), err());
        err.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().startsWith("vhostctl: unknown command: frobnicate\n"), err());
        err.reset();
        assertEquals(2, VhostCtl.run(new String[] {"--addr", "nowhere", "status"}, new PrintStream(out),
                new PrintStream(err), Map.of()));
        assertTrue(err().startsWith("vhostctl: --addr must be HOST:PORT"), err());
        assertEquals(0, VhostCtl.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err), Map.of()));
        assertTrue(out().startsWith("usage: vhostctl"), out());
    }

    @Test
    void shouldExitOneWithReasonWhenServerIsUnreachable() throws Exception {
        Path none = dir.resolve("none.sock");
        assertEquals(1, VhostCtl.run(new String[] {"status"}, new PrintStream(out), new PrintStream(err),
                Map.of("VHOSTCTL_SOCKET", none.toString())));
        assertTrue(err().startsWith("vhostctl: cannot reach vhostd at " + none + ": "), err());
        err.reset();
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        assertEquals(1, VhostCtl.run(new String[] {"--addr", "127.0.0.1:" + free, "status"}, new PrintStream(out),
                new PrintStream(err), Map.of()));
        assertTrue(err().startsWith("vhostctl: cannot reach vhostd at 127.0.0.1:" + free + ": "), err());
    }

    @Test
    void shouldReadGroupTokensFromFileOrStdinAndNeverFromArguments() throws Exception {
        Path tokenFile = dir.resolve("g1.token");
        Files.writeString(tokenFile, "file-token-123\n");
        assertEquals(0, run("join", "vm1", "g1", "--token-file", tokenFile.toString()), err());
        assertEquals("file-token-123", m.lastToken);
        assertEquals(0, VhostCtl.run(new String[] {"--socket", socket.toString(), "leave", "vm1", "g1", "--token-file", "-"},
                new ByteArrayInputStream("stdin-token-456\n".getBytes(StandardCharsets.UTF_8)), new PrintStream(out),
                new PrintStream(err), Map.of()), err());
        assertEquals("stdin-token-456", m.lastToken);
        assertEquals(0, run("create-group", "g2", "vm1", "--token-file", tokenFile.toString()), err());
        assertEquals("file-token-123", m.lastToken);
        m.lastToken = null;
        assertEquals(2, run("join", "vm1", "g1", "secret-on-argv"));
        assertTrue(err().startsWith("vhostctl: join: a token is never taken as an argument (every local user can read"
                + " the command line); give --token-file FILE, or --token-file - to read it from stdin\n"), err());
        err.reset();
        assertEquals(2, run("leave", "vm1", "g1"));
        assertTrue(err().startsWith("vhostctl: leave: the group's token is required: --token-file FILE (or - for"
                + " stdin)\n"), err());
        err.reset();
        assertEquals(1, run("join", "vm1", "g1", "--token-file", dir.resolve("missing").toString()));
        assertEquals("vhostctl: cannot read token file " + dir.resolve("missing") + ": no such file\n", err());
        assertEquals(null, m.lastToken, "nothing was sent");
    }

    @Test
    void shouldFindTheSocketInTheDefaultRuntimeDirAndFallBackToReadOnlyForReads() throws Exception {
        Path runtime = Files.createDirectory(dir.resolve("runtime"));
        GrpcEndpoint ro = GrpcEndpoint.start(vertx, m, List.of(Listener.unix(runtime.resolve("vhostd-ro.sock"), 0600,
                null, Listener.Access.READ_ONLY))).toCompletionStage().toCompletableFuture().join();
        try {
            Map<String, String> env = Map.of("RUNTIME_DIRECTORY", runtime.toString());
            assertEquals(0, VhostCtl.run(new String[] {"ports"}, new PrintStream(out), new PrintStream(err), env), err());
            assertTrue(out().startsWith("PORT"), out());
            assertEquals(1, VhostCtl.run(new String[] {"unbind", "vm1", "rxq0"}, new PrintStream(out),
                    new PrintStream(err), env));
            assertTrue(err().startsWith("vhostctl: cannot reach vhostd at " + runtime.resolve("vhostd.sock") + ": "),
                    "changes always go to vhostd.sock: " + err());
        } finally {
            ro.close();
        }
    }

    @Test
    void shouldRefuseADefaultRuntimeDirOwnedByAnotherUser() throws Exception {
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0) {
            System.out.println("SKIPPED: a runtime dir owned by another user needs root to set up");
            Assumptions.abort("SKIPPED: needs root to give a directory to another user");
        }
        Path foreign = Files.createDirectory(dir.resolve("foreign"));
        Files.setAttribute(foreign, "unix:uid", 65534);
        assertEquals(1, VhostCtl.run(new String[] {"status"}, new PrintStream(out), new PrintStream(err),
                Map.of("RUNTIME_DIRECTORY", foreign.toString())));
        assertEquals("vhostctl: " + foreign + " is owned by uid=65534, not by you (uid=0): not using it; name vhostd's"
                + " socket with --socket PATH\n", err());
    }

    @Test
    void shouldPrintRequestedNumberOfEventsWhenCountGiven() throws Exception {
        Thread publisher = Thread.ofVirtual().start(() -> {
            while (endpoint.eventStreams() == 0) {
                Thread.onSpinWait();
            }
            m.hub.publish((s, t) -> new io.vhostdma.backend.events.BackendEvent.PortConnected(s, t, "vm1"));
            m.hub.publish((s, t) -> new io.vhostdma.backend.events.BackendEvent.QueueStopped(s, t, "vm1", "rxq0"));
        });
        assertEquals(0, run("--json", "events", "--count", "2"), err());
        publisher.join();
        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        ObjectMapper json = new ObjectMapper();
        assertEquals("port_connected", json.readTree(lines.get(0)).get("type").asText());
        assertEquals("queue_stopped", json.readTree(lines.get(1)).get("type").asText());
        assertEquals("rxq0", json.readTree(lines.get(1)).get("queue").asText());
    }
}
