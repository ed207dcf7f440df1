package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.grpc.proto.Status;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.UnbindRequest;
import io.vhostdma.config.HostPort;
import io.vhostdma.config.ManagementConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management plane as another local user meets it (design.md §9): a process running as
 * {@code nobody} (setpriv, as root) cannot connect to {@code vhostd.sock} at its default mode, and on
 * a world-connectable {@code vhostd-ro.sock} its raw gRPC {@code Unbind} — the attack of issue 10 — is
 * refused, logged and counted while its reads work; the runtime directory's ownership rule stops vhostd
 * with exit code 3.
 */
class ManagementAccessTest {
    private static final int NOBODY = 65534;
    @TempDir
    Path dir;

    static boolean root() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    static void requireRoot(String what) throws Exception {
        if (!root()) {
            System.out.println("SKIPPED: " + what + " needs root (to act as another user)");
            Assumptions.abort("SKIPPED: " + what + " needs root");
        }
    }

    /** What curl, run as {@code nobody}, printed and returned. */
    record Curl(int exit, String headers, byte[] body, String err) {
    }

    /** One raw gRPC call of {@code rpc} with {@code request}, made with curl as user {@code nobody}. */
    static Curl asNobody(Path socket, String rpc, com.google.protobuf.Message request) throws Exception {
        List<String> cmd = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--",
                "curl", "-sS", "--http2-prior-knowledge", "--max-time", "20", "--unix-socket", socket.toString(),
                "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@-", "-D", "-",
                "-o", "-", "http://localhost/vhostdma.v1.VhostdControl/" + rpc);
        Process p = new ProcessBuilder(cmd).start();
        byte[] message = request.toByteArray();
        p.getOutputStream().write(ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length)
                .put(message).array());
        p.getOutputStream().close();
        byte[][] got = new byte[2][];
        Thread out = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread err = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish: " + cmd);
        }
        out.join();
        err.join();
        String all = new String(got[0], StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        String headers = end < 0 ? all : all.substring(0, end);
        byte[] body = end < 0 ? new byte[0] : Arrays.copyOfRange(got[0], end + 4, got[0].length);
        return new Curl(p.exitValue(), headers, body, new String(got[1], StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    @Test
    void shouldKeepOtherUsersOffTheControlSocketAndRefuseTheirChangesOnTheReadOnlySocket() throws Exception {
        requireRoot("connecting as user nobody");
        // the directory lets everyone reach the sockets: only the sockets' own modes keep nobody out
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        ManagementConfig m = new ManagementConfig(null, new HostPort("127.0.0.1", 0), 0600, null, 0666, null, List.of());
        try (LogCapture log = new LogCapture("io.vhostdma.management");
             DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).dma("dma0", "cpu", 2, 256, 0, 0)
                     .bind("a", "rxq0", "dma0", 0).management(m).start();
             HttpClient http = HttpClient.newHttpClient()) {
            assertEquals("rw-------", mode(d.vhostd().controlSocket()));
            assertEquals("rw-rw-rw-", mode(d.vhostd().readOnlySocket()));

            Curl control = asNobody(d.vhostd().controlSocket(), "Unbind",
                    UnbindRequest.newBuilder().setPort("a").setQueue("rxq0").build());
            assertEquals(7, control.exit(), "curl cannot connect: " + control);
            assertTrue(control.err().contains("Couldn't connect") || control.err().contains("Permission denied"),
                    control.err());

            Curl unbind = asNobody(d.vhostd().readOnlySocket(), "Unbind",
                    UnbindRequest.newBuilder().setPort("a").setQueue("rxq0").build());
            assertEquals(0, unbind.exit(), unbind.toString());
            assertTrue(unbind.headers().contains("grpc-status: 7"), "PERMISSION_DENIED: " + unbind.headers());
            assertEquals("management refused: rpc=Unbind endpoint=vhostd-ro.sock (read-only endpoint)",
                    java.net.URLDecoder.decode(unbind.headers().lines().filter(l -> l.startsWith("grpc-message: "))
                            .findFirst().orElse("grpc-message: none").substring(14), StandardCharsets.UTF_8));
            assertEquals("dma0/0", d.vhostd().management().queues("a").getFirst().channel(), "the binding stays");

            Curl status = asNobody(d.vhostd().readOnlySocket(), "GetStatus", StatusRequest.getDefaultInstance());
            assertTrue(status.headers().startsWith("HTTP/2 200"), status.toString());
            int length = ByteBuffer.wrap(status.body()).getInt(1); // the gRPC frame: flag, length, message
            Status s = Status.parseFrom(Arrays.copyOfRange(status.body(), 5, 5 + length));
            assertEquals(1, s.getPorts(), "reads work on the read-only socket");

            assertTrue(log.warnings().contains("management refused: rpc=Unbind endpoint=vhostd-ro.sock"
                    + " reason=read-only endpoint"), log.warnings().toString());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + d.vhostd().metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vhostd_management_refused_total{rpc=\"Unbind\"} 1.0\n"), metrics);
            assertFalse(metrics.contains("rpc=\"GetStatus\""), "reads are not refusals");
        }
    }

    @Test
    void shouldTakeChangesOverTcpOnlyWithTheTokenFileWhenTcpIsConfigured() throws Exception {
        Path token = dir.resolve("mgmt.token");
        Files.writeString(token, "tcp-token-0123456789\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        ManagementConfig m = ManagementConfig.metricsOn(new HostPort("127.0.0.1", 0))
                .withTcp(new HostPort("127.0.0.1", 0), token);
        try (LogCapture log = new LogCapture("io.vhostdma.management");
             DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).dma("dma0", "cpu", 2, 256, 0, 0)
                     .bind("a", "rxq0", "dma0", 0).management(m).start()) {
            String addr = "127.0.0.1:" + d.vhostd().grpcPort();
            assertTrue(d.output().contains("vhostd: grpc listening on " + addr + " (TCP: changes need the management"
                    + " token)"), d.output());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            assertEquals(0, io.vhostdma.backend.ctl.VhostCtl.run(new String[] {"--addr", addr, "ports"}, o, e,
                    java.util.Map.of()), err.toString(StandardCharsets.UTF_8));
            assertEquals(1, io.vhostdma.backend.ctl.VhostCtl.run(new String[] {"--addr", addr, "unbind", "a", "rxq0"}, o,
                    e, java.util.Map.of()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("vhostctl: PERMISSION_DENIED: management refused:"
                    + " rpc=Unbind endpoint=tcp (needs the management token)"), err.toString(StandardCharsets.UTF_8));
            assertEquals("dma0/0", d.vhostd().management().queues("a").getFirst().channel());
            assertEquals(List.of("management refused: rpc=Unbind endpoint=tcp reason=no token"), log.warnings());
            assertEquals(0, io.vhostdma.backend.ctl.VhostCtl.run(new String[] {"--addr", addr, "--token-file",
                    token.toString(), "unbind", "a", "rxq0"}, o, e, java.util.Map.of()), err.toString(StandardCharsets.UTF_8));
            assertEquals(null, d.vhostd().management().queues("a").getFirst().channel(), "unbound with the token");
            assertEquals(java.util.Map.of("Unbind", 1L), d.vhostd().management().refusals().snapshot());
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Runs {@code vhostd --config FILE} in-process; returns exit code and stderr. */
    private record Run(int exit, String err) {
    }

    private Run vhostd(Path runtimeDir) throws Exception {
        Path config = dir.resolve("vhostd.yaml");
        Files.writeString(config, "ports:\n  - { name: p0, socket: " + runtimeDir.resolve("p0.sock") + " }\n"
                + "runtime-dir: " + runtimeDir + "\nmanagement: { metrics: \"127.0.0.1:0\" }\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", config.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitThreeWithoutTouchingSocketsWhenOthersMayWriteTheRuntimeDir() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run r = vhostd(open);
        assertEquals(3, r.exit(), r.err());
        assertEquals("runtime-dir: " + open + " is writable by group or others (mode 0777; want at most 0755)\n"
                + "vhostd: environment problem; vhostd stopped\n", r.err());
        try (var files = Files.list(open)) {
            assertEquals(List.of(), files.toList(), "no socket was created");
        }
    }

    @Test
    void shouldExitThreeWhenTheRuntimeDirBelongsToAnotherUser() throws Exception {
        requireRoot("giving the runtime directory to another user");
        Path foreign = Files.createDirectory(dir.resolve("foreign"));
        Files.setAttribute(foreign, "unix:uid", NOBODY);
        Run r = vhostd(foreign);
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().startsWith("runtime-dir: " + foreign + " is owned by uid=65534 (want 0)\n"), r.err());
        try (var files = Files.list(foreign)) {
            assertEquals(List.of(), files.toList(), "no socket was created");
        }
    }

    @Test
    void shouldRefuseASecondVhostdOnTheSameRuntimeDir() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).start()) {
            Path other = Files.createDirectory(dir.resolve("second"));
            Path config = other.resolve("c.yaml");
            Files.writeString(config, "ports:\n  - { name: b, socket: " + other.resolve("b.sock") + " }\n"
                    + "runtime-dir: " + dir + "\nmanagement: { metrics: \"127.0.0.1:0\" }\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(3, Main.run(new String[] {"--config", config.toString()},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("runtime-dir: " + dir.resolve("vhostd.sock")
                    + " is in use: another vhostd serves this runtime directory"), err.toString(StandardCharsets.UTF_8));
            assertFalse(Files.exists(other.resolve("b.sock")), "the second vhostd touched no port socket");
            assertEquals(1, d.vhostd().management().status().ports(), "the first one still answers");
        }
    }
}
