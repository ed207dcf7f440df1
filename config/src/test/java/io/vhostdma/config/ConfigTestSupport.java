package io.vhostdma.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers shared by the loader tests. */
final class ConfigTestSupport {

    /** A minimal valid port list; tests append the keys under test after it. */
    static final String ONE_PORT = """
            ports:
              - name: vm0
                socket: /tmp/vhostd/vm0.sock
            """;

    private ConfigTestSupport() {
    }

    /** The problems reported for {@code yaml}, which must be invalid. */
    static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml")).problems();
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
