package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.ctl.Tshark;
import io.vhostdma.backend.ctl.VhostCtl;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostctl capture} against a running vhostd with Java front ends: the pcap holds exactly the frames the
 * port's guest sent and received, byte for byte and in order, while forwarding goes on; tshark reads it; errors
 * name the problem (unknown port, read-only socket, a second capture, a queue the port lacks) and leave no file;
 * the real script stops on Ctrl-C with exit code 0 and a complete file.
 */
class CaptureTest {
    private static final long A = Frames.mac(0xa);
    private static final long B = Frames.mac(0xb);
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** vhostctl in-process; {@code err} is shared so a caller can watch for the "capturing" note. */
    private static Run ctl(ByteArrayOutputStream err, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VhostCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run ctl(String... args) {
        return ctl(new ByteArrayOutputStream(), args);
    }

    /** The records' bytes of a little-endian classic pcap file (header checked: Ethernet, 65535). */
    static List<byte[]> records(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "pcap magic");
        assertEquals(65_535, b.getInt(16), "snap length");
        assertEquals(1, b.getInt(20), "link type Ethernet");
        b.position(24);
        List<byte[]> frames = new ArrayList<>();
        while (b.hasRemaining()) {
            b.position(b.position() + 8); // time
            int captured = b.getInt();
            assertEquals(captured, b.getInt(), "original length = captured length");
            byte[] f = new byte[captured];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }

    private static void awaitNote(ByteArrayOutputStream err) {
        DaemonFixture.awaitUntil(() -> err.toString(StandardCharsets.UTF_8).contains("vhostctl: capturing port="),
                "vhostctl reports the capture running");
    }

    @Test
    void shouldWriteThePortsFramesByteForByteWhenItsGuestSendsAndReceives() throws Exception {
        int each = 50;
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            Path pcap = dir.resolve("a.pcap");
            String sock = d.vhostd().controlSocket().toString();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Run[] result = new Run[1];
            Thread capture = Thread.ofVirtual().start(() -> result[0] = ctl(err, "--socket", sock, "capture", "a",
                    "--pcap", pcap.toString(), "--count", String.valueOf(2 * each)));
            awaitNote(err);
            List<byte[]> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) { // a's guest sends (txq0), b receives: forwarding goes on
                byte[] f = Frames.frame(B, A, i, 60 + 29 * i, 21);
                Receive.send(a, f);
                Receive.expect(b, f, "frame " + i + " forwarded to b while captured");
                expected.add(f);
            }
            for (int i = 0; i < each; i++) { // b's guest sends, a's guest receives (rxq0)
                byte[] f = Frames.frame(A, B, i, 1514 - 17 * i, 22);
                Receive.send(b, f);
                Receive.expect(a, f, "frame " + i + " forwarded to a while captured");
                expected.add(f);
            }
            capture.join(DaemonFixture.WAIT_MILLIS);
            assertFalse(capture.isAlive(), "vhostctl stopped after --count frames");
            assertEquals(0, result[0].exit(), result[0].err());
            assertEquals("captured 100 frame(s) of port=a into " + pcap + "; dropped=0\n", result[0].out());
            List<byte[]> got = records(Files.readAllBytes(pcap));
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i), "record " + i);
            }
            DaemonFixture.awaitUntil(() -> d.port("a").counters().tx(0).packets() == each, "a's counters");
            assertEquals(0, d.counters("a").snapshot().totalDrops(), "capturing dropped nothing of the traffic");
            checkWithTshark(pcap, expected);
            // the capture ended with the stream: the port can be captured again, here only what a's guest receives
            ByteArrayOutputStream err2 = new ByteArrayOutputStream();
            Path again = dir.resolve("again.pcap");
            Thread second = Thread.ofVirtual().start(() -> result[0] = ctl(err2, "--socket", sock, "capture", "a",
                    "--queue", "rxq0", "--pcap", again.toString(), "--count", "1"));
            awaitNote(err2);
            Receive.send(a, Frames.frame(B, A, 1000, 90, 23)); // txq0: not captured now
            Receive.expect(b, Frames.frame(B, A, 1000, 90, 23), "forwarded");
            byte[] toA = Frames.frame(A, B, 1001, 100, 23);
            Receive.send(b, toA);
            Receive.expect(a, toA, "forwarded");
            second.join(DaemonFixture.WAIT_MILLIS);
            assertEquals(0, result[0].exit(), result[0].err());
            List<byte[]> one = records(Files.readAllBytes(again));
            assertEquals(1, one.size());
            assertArrayEquals(toA, one.getFirst());
        }
    }

    @Test
    void shouldMirrorFramesThatCrossWorkersAndArriveByDmaWhenThePortIsCaptured() throws Exception {
        int n = 40;
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 2).workers(2)
                .dma("dma0", "sw", 2, 256, 0.0, 0).bind("a", "rxq0", "dma0", 0).bind("b", "txq1", "dma0", 1)
                .group("g", AsyncDataPathTest.TOKEN, "a", "b").start()) {
            VhostUserFrontend a = d.connect("a", o -> o.rxBufferSize(1024).txBufferSize(9216));
            VhostUserFrontend b = d.connect("b", o -> o.queuePairs(2).rxBufferSize(1024).txBufferSize(9216));
            Path pcap = dir.resolve("a.pcap");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Run[] result = new Run[1];
            Thread capture = Thread.ofVirtual().start(() -> result[0] = ctl(err, "--socket",
                    d.vhostd().controlSocket().toString(), "capture", "a", "--pcap", pcap.toString(), "--count",
                    String.valueOf(n)));
            awaitNote(err);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) { // b's pair 1 is worker 1's, a's rxq0 worker 0's: a hand-off, then DMA
                byte[] f = Frames.frame(A, B, i, 64 + 211 * i, 26);
                while (b.send(1, f) != 1) {
                    b.reclaimTx(1);
                    Thread.onSpinWait();
                }
                Receive.expect(a, f, "frame " + i + " handed off and copied by DMA");
                sent.add(f);
            }
            capture.join(DaemonFixture.WAIT_MILLIS);
            assertEquals(0, result[0].exit(), result[0].err());
            List<byte[]> got = records(Files.readAllBytes(pcap));
            assertEquals(n, got.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(sent.get(i), got.get(i), "record " + i);
            }
            assertTrue(d.counters("a").rx(0).dmaSubmitted() >= n, "a's rxq copied by its channel");
        }
    }

    private static void checkWithTshark(Path pcap, List<byte[]> expected) throws Exception {
        if (!Tshark.installed()) {
            System.out.println("SKIPPED: capture read by tshark: tshark not installed (interop/install-peers.sh)");
            return;
        }
        var rows = Tshark.fields(pcap, "frame.len", "eth.src", "eth.dst");
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(String.valueOf(expected.get(i).length), rows.get(i)[0], "tshark: frame " + i);
            assertEquals(i < expected.size() / 2 ? "02:00:00:00:00:0a" : "02:00:00:00:00:0b", rows.get(i)[1]);
        }
    }

    @Test
    void shouldExitOneWithTheReasonAndLeaveNoFileWhenTheCaptureIsRefused() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).start()) {
            String sock = d.vhostd().controlSocket().toString();
            Path pcap = dir.resolve("x.pcap");
            Run unknown = ctl("--socket", sock, "capture", "nope", "--pcap", pcap.toString());
            assertEquals(1, unknown.exit());
            assertEquals("vhostctl: NOT_FOUND: unknown port: port=nope\n", unknown.err());
            Run queue = ctl("--socket", sock, "capture", "a", "--queue", "txq3", "--pcap", pcap.toString());
            assertEquals(1, queue.exit());
            assertEquals("vhostctl: NOT_FOUND: no such queue: port=a queue=txq3 (queue-pairs=1)\n", queue.err());
            Run bad = ctl("--socket", sock, "capture", "a", "--queue", "q0", "--pcap", pcap.toString());
            assertEquals("vhostctl: INVALID_ARGUMENT: queue must be N, rxqN or txqN: queue=q0\n", bad.err());
            String ro = dir.resolve("vhostd-ro.sock").toString();
            Run refused = ctl("--socket", ro, "capture", "a", "--pcap", pcap.toString());
            assertEquals(1, refused.exit());
            assertEquals("vhostctl: PERMISSION_DENIED: management refused: rpc=CaptureBatches endpoint=vhostd-ro.sock"
                    + " (read-only endpoint)\n", refused.err());
            assertFalse(Files.exists(pcap), "no file for a capture that never started");
            Run usage = ctl("--socket", sock, "capture", "a");
            assertEquals(2, usage.exit());
            assertTrue(usage.err().startsWith("vhostctl: capture: the pcap file is required: --pcap FILE"),
                    usage.err());

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread first = Thread.ofVirtual().start(() -> ctl(err, "--socket", sock, "capture", "a", "--pcap",
                    dir.resolve("first.pcap").toString(), "--count", "1"));
            awaitNote(err);
            Run second = ctl("--socket", sock, "capture", "a", "--pcap", pcap.toString());
            assertEquals(1, second.exit());
            assertEquals("vhostctl: ALREADY_EXISTS: port is being captured already: port=a (one capture per port at a"
                    + " time)\n", second.err());
            VhostUserFrontend a = d.connect("a");
            Receive.send(a, Frames.frame(Frames.BROADCAST, A, 1, 64, 24)); // the first capture's one frame
            first.join();
            assertEquals(1, records(Files.readAllBytes(dir.resolve("first.pcap"))).size());
        }
    }

    @Test
    void shouldExitZeroWithACompleteFileWhenTheScriptIsInterrupted() throws Exception {
        VhostCtlScriptTest.requireCurrentBuild();
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).start()) {
            VhostUserFrontend a = d.connect("a");
            d.connect("b");
            Path pcap = dir.resolve("i.pcap");
            ProcessBuilder pb = new ProcessBuilder(VhostCtlScriptTest.SCRIPT.toString(), "--socket",
                    d.vhostd().controlSocket().toString(), "capture", "a", "--queue", "0", "--pcap", pcap.toString());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.redirectError(dir.resolve("err.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                    .start();
            try {
                DaemonFixture.awaitUntil(() -> read(dir.resolve("err.txt")).contains("vhostctl: capturing port=a"),
                        "the script's capture runs");
                List<byte[]> sent = new ArrayList<>();
                long size = 24;
                for (int i = 0; i < 20; i++) {
                    byte[] f = Frames.frame(B, A, i, 100 + i, 25);
                    Receive.send(a, f);
                    sent.add(f);
                    size += 16 + f.length;
                }
                long want = size;
                DaemonFixture.awaitUntil(() -> pcap.toFile().length() == want, "every frame written (flushed)");
                new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
                assertTrue(p.waitFor(DaemonFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS), "vhostctl ended on SIGINT");
                assertEquals(0, p.exitValue(), read(dir.resolve("err.txt")));
                assertEquals("captured 20 frame(s) of port=a into " + pcap + "; dropped=0\n", read(dir.resolve("out.txt")));
                List<byte[]> got = records(Files.readAllBytes(pcap));
                assertEquals(sent.size(), got.size());
                for (int i = 0; i < sent.size(); i++) {
                    assertArrayEquals(sent.get(i), got.get(i), "record " + i);
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
