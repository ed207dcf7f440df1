package io.vhostdma.dma.dpdk;

import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link DpdkProbe} in a child JVM (this JVM's executable and class path) before vhostd starts the
 * EAL itself: what would abort the process there aborts the child, and vhostd reports it as a config
 * error. Takes about a second (JVM start plus EAL initialisation).
 */
final class ProbeRunner {
    private static final long TIMEOUT_SECONDS = 60;
    private static final int KEEP_LINES = 40;
    /** The lines worth repeating in an error (DPDK prints its whole usage text after a bad option). */
    private static final java.util.regex.Pattern TELLING =
        java.util.regex.Pattern.compile("(?i)(EAL:|unrecognized|invalid|error|fail|panic|cannot|probe:)");

    private ProbeRunner() {
    }

    /**
     * @param argv the EAL arguments (the probe's own file prefix already set)
     * @return the probe's {@code dmadev ...} lines
     * @throws DmaException EIO with the probe's output when it did not end with {@code probe: ok}
     */
    static List<String> run(List<String> argv) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx64m");
        String libs = System.getProperty("vhostdma.dpdk.libraries");
        if (libs != null) {
            cmd.add("-Dvhostdma.dpdk.libraries=" + libs);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DpdkProbe.class.getName());
        cmd.addAll(argv);
        List<String> lines = new ArrayList<>();
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread reader = Thread.ofPlatform().daemon().name("vhostd-dpdk-probe-out").start(() -> read(p.getInputStream(), lines));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw fail("did not finish in " + TIMEOUT_SECONDS + " s", lines, argv);
            }
            reader.join(5000);
            exit = p.exitValue();
        } catch (IOException e) {
            throw new DmaException(DmaErrno.EIO, "cannot start the DPDK probe process: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DmaException(DmaErrno.EIO, "interrupted while probing DPDK");
        }
        synchronized (lines) {
            if (exit != 0 || !lines.contains("probe: ok")) {
                throw fail(exit > 128 ? "aborted (signal " + (exit - 128) + ")" : "exit code " + exit, lines, argv);
            }
            return lines.stream().filter(l -> l.startsWith("probe: dmadev ")).map(l -> l.substring(7)).toList();
        }
    }

    private static void read(InputStream in, List<String> lines) {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) { // the telling lines only, the last KEEP_LINES of them
                if (!TELLING.matcher(line).find()) {
                    continue;
                }
                synchronized (lines) {
                    lines.add(line);
                    if (lines.size() > KEEP_LINES) {
                        lines.remove(0);
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone; what was read is kept
        }
    }

    private static DmaException fail(String how, List<String> lines, List<String> argv) {
        String output;
        synchronized (lines) {
            output = String.join(" | ", lines);
        }
        String reason = lines.stream().filter(l -> l.startsWith("probe: failed: ")).findFirst()
            .map(l -> l.substring("probe: failed: ".length())).orElse(how);
        return new DmaException(DmaErrno.EIO, "DPDK EAL did not start: " + reason + " (probe " + how + "; eal-args="
            + String.join(" ", argv.subList(1, argv.size())) + "; output: " + output + ")");
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
