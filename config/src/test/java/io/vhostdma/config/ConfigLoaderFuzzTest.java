package io.vhostdma.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fuzz target {@code config-loader}: YAML/JSON text (the input, as UTF-8) through
 * {@link ConfigLoader#parse}. Must hold: the result is a config or a {@link ConfigException} whose
 * every problem is one {@code path: message} line that never shows a secret (the environment's and
 * the token file's values); a config renders ({@link ConfigYaml}) to text that loads back to an
 * equal config. Nothing else may be thrown.
 *
 * <p>{@code file:} tokens are confined to a sandbox directory made per JVM: {@code file:X} is read
 * as {@code <sandbox>/X}, and inputs naming {@code ..} are skipped. The sandbox holds {@code token}
 * (a valid token), {@code empty}, {@code big} (over 4 KiB), {@code notutf8}, a directory {@code dir}
 * and {@code zero}, a link to {@code /dev/zero} (an endless file).
 */
class ConfigLoaderFuzzTest {
    private static final String SECRET_ENV = "s3cret-from-env-0123";
    private static final String SECRET_FILE = "s3cret-from-file-4567";
    private static final Map<String, String> ENV = Map.of("TOKEN", SECRET_ENV, "SHORT", "abc", "EMPTY", "");
    private static final Path SANDBOX = sandbox();
    /** {@code path: message}: a path or {@code source:line:column}, a colon and a space, a message; one line. */
    private static final Pattern PROBLEM = Pattern.compile("[^\\s:][^\\n]*?: [^\\n]*\\S");

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"ports", "name", "socket", "mode", "queue-pairs", "socket-mode", "workers", "worker-cpus",
        "forwarding", "management", "grpc", "metrics", "dma", "engine", "channels", "ring-size",
        "error-probability", "completion-delay-us", "bindings", "port", "queue", "channel", "access-groups",
        "token", "members", "server", "client", "switch", "sink", "rxq0", "txq1", "dma0/0", "/tmp/vhostd/vm0.sock",
        "127.0.0.1:50051", "env:TOKEN", "env:SHORT", "env:EMPTY", "file:/token", "file:/zero", "file:/big",
        "file:/dir", "file:/notutf8", "file:/empty", "0660", "- { ", ": ["})
    void shouldLoadOrExplainWhenConfigIsAnyText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.contains("..")) {
            return;
        }
        text = text.replace(Tokens.FILE_PREFIX, Tokens.FILE_PREFIX + SANDBOX);
        VhostdConfig config;
        try {
            config = ConfigLoader.parse(text, "fuzz.yaml", ENV);
        } catch (ConfigException e) {
            boolean secretsHidden = !text.contains(SECRET_ENV) && !text.contains(SECRET_FILE); // else the text shows them
            for (String problem : e.problems()) {
                if (!PROBLEM.matcher(problem).matches()
                        || secretsHidden && (problem.contains(SECRET_ENV) || problem.contains(SECRET_FILE))) {
                    throw new AssertionError("not a path: message problem, or it shows a secret: " + problem);
                }
            }
            return;
        }
        String rendered = ConfigYaml.render(config);
        VhostdConfig again;
        try {
            again = ConfigLoader.parse(rendered, "rendered.yaml", Map.of());
        } catch (ConfigException e) {
            throw new AssertionError("a loaded config renders to text that does not load: " + e.problems()
                    + "\n" + rendered, e);
        }
        if (!again.equals(config)) {
            throw new AssertionError("render + load changed the config:\n" + config + "\n" + again);
        }
    }

    private static Path sandbox() {
        try {
            Path dir = Files.createTempDirectory("config-fuzz-");
            Files.writeString(dir.resolve("token"), SECRET_FILE + "\n");
            Files.writeString(dir.resolve("empty"), "");
            Files.writeString(dir.resolve("big"), "x".repeat(5000));
            Files.write(dir.resolve("notutf8"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a', 'b', 'c', 'd', 'e', 'f', 'g'});
            Files.createDirectory(dir.resolve("dir"));
            Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
