package io.vhostdma.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Helpers shared by the loader tests. */
final class ConfigTestSupport {

    /** A minimal valid port list; tests append the keys under test after it. */
    static final String ONE_PORT = """
            ports:
              - name: vm0
                socket: /tmp/vhostd/vm0.sock
            """;

    /**
     * Two ports ({@code vm0} with one queue pair, {@code vm1} with two) and two DMA devices
     * ({@code dma0} with 4 channels, {@code dma1} with 1); tests append bindings or groups after it.
     */
    static final String TWO_PORTS_TWO_DEVICES = """
            ports:
              - name: vm0
                socket: /tmp/vhostd/vm0.sock
              - name: vm1
                socket: /tmp/vhostd/vm1.sock
                queue-pairs: 2
            dma:
              - name: dma0
                engine: sw
              - name: dma1
                engine: cpu
                channels: 1
            """;

    private ConfigTestSupport() {
    }

    /** The problems reported for {@code yaml}, which must be invalid, with an empty environment. */
    static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    /** The problems reported for {@code yaml}, which must be invalid, reading tokens from {@code env}. */
    static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml", env)).problems();
    }

    /** {@code yaml} loaded with an empty environment. */
    static VhostdConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    /** A single port with the given extra lines (each indented under the port). */
    static String port(String... extraLines) {
        StringBuilder out = new StringBuilder("ports:\n  - name: vm0\n    socket: /tmp/vhostd/vm0.sock\n");
        for (String line : extraLines) {
            out.append("    ").append(line).append('\n');
        }
        return out.toString();
    }

    static String resource(String name) {
        try (InputStream in = ConfigTestSupport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource: name=" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
