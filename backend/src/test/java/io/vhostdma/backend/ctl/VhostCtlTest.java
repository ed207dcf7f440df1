package io.vhostdma.backend.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.grpc.FakeManagement;
import io.vhostdma.backend.grpc.GrpcEndpoint;
import io.vhostdma.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** vhostctl in-process against the service over a hand-built Management: output, JSON, exit codes. */
class VhostCtlTest {
    private static Vertx vertx;
    private static FakeManagement m;
    private static GrpcEndpoint endpoint;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        m = new FakeManagement();
        endpoint = GrpcEndpoint.start(vertx, m, new HostPort("127.0.0.1", 0)).toCompletionStage()
                .toCompletableFuture().join();
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
        all[0] = "--addr";
        all[1] = "127.0.0.1:" + endpoint.port();
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
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        assertEquals(1, VhostCtl.run(new String[] {"status"}, new PrintStream(out), new PrintStream(err),
                Map.of("VHOSTCTL_ADDR", "127.0.0.1:" + free)));
        assertTrue(err().startsWith("vhostctl: cannot reach vhostd at 127.0.0.1:" + free + ": "), err());
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
