package io.vhostdma.vhost.frontend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An interactive dpdk-testpmd with two vhost PMD ports ({@code a.sock}, {@code b.sock}) in io
 * forwarding: what one front end sends on pair q of port 0 comes out on pair q of port 1 and back.
 * Its main and forwarding lcores both sit on CPU 0; every wait is bounded; close() quits and kills.
 */
final class DpdkTestpmd implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/dpdk-testpmd");
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final Process process;
    private final Writer stdin;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    final Path socketA;
    final Path socketB;

    private DpdkTestpmd(Process process, Path dir) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.socketA = dir.resolve("a.sock");
        this.socketB = dir.resolve("b.sock");
        this.reader = Thread.ofPlatform().daemon().name("testpmd-out").start(this::pump);
    }

    /** Why testpmd cannot run here, or null when it can. */
    static String unavailableReason() {
        if (!Files.isExecutable(BINARY)) {
            return BINARY + " is not installed (apt-get install dpdk-dev)";
        }
        return null;
    }

    /**
     * Starts testpmd with two vhost ports of {@code queues} pairs each; {@code clientMode} makes
     * the vhost ports connect to sockets we listen on instead of listening themselves.
     */
    static DpdkTestpmd start(Path dir, int queues, boolean clientMode) throws IOException, InterruptedException {
        String prefix = "fe" + ProcessHandle.current().pid() + "x" + INSTANCES.incrementAndGet();
        String client = clientMode ? ",client=1" : "";
        // stdbuf: testpmd's stdout is a pipe here; line buffering lets us see command output promptly
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", BINARY.toString(), "--no-pci", "--no-huge", "-m", "1024",
                "--file-prefix=" + prefix, "--lcores", "0@0,1@0", "--log-level=user1,7",
                "--vdev", "net_vhost0,iface=" + dir.resolve("a.sock") + ",queues=" + queues + client,
                "--vdev", "net_vhost1,iface=" + dir.resolve("b.sock") + ",queues=" + queues + client,
                "--", "-i", "--forward-mode=io", "--nb-cores=1", "--total-num-mbufs=8192",
                "--rxq=" + queues, "--txq=" + queues));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        DpdkTestpmd t = new DpdkTestpmd(p, dir);
        if (!t.awaitOutput("testpmd>", 30_000)) {
            t.close();
            throw new IllegalStateException("testpmd did not start: output=" + t.output());
        }
        if (!clientMode && !(t.awaitFile(t.socketA, 10_000) && t.awaitFile(t.socketB, 10_000))) {
            t.close();
            throw new IllegalStateException("testpmd sockets missing: output=" + t.output());
        }
        return t;
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            char[] buf = new char[4096];
            int n;
            while ((n = r.read(buf)) > 0) {
                output.append(buf, 0, n);
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    void command(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    String output() {
        return output.toString();
    }

    boolean awaitOutput(String needle, long timeoutMillis) throws InterruptedException {
        return awaitOutputFrom(0, needle, timeoutMillis);
    }

    boolean awaitOutputFrom(int from, String needle, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (output.indexOf(needle, from) >= 0) {
                return true;
            }
            if (!process.isAlive()) {
                return output.indexOf(needle, from) >= 0;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits until {@code needle} occurs at least {@code count} times in the output. */
    boolean awaitCount(String needle, int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (occurrences(needle) >= count) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    int occurrences(String needle) {
        String s = output.toString();
        int n = 0;
        for (int at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private boolean awaitFile(Path p, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(p)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Sends {@code start} and waits for testpmd to acknowledge it. */
    void startForwarding() throws IOException, InterruptedException {
        int from = output.length();
        command("start");
        if (!awaitOutputFrom(from, "io packet forwarding", 10_000)) {
            throw new IllegalStateException("testpmd did not start forwarding: output=" + output());
        }
    }

    @Override
    public void close() {
        try {
            command("quit");
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
