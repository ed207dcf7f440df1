package io.vhostdma.dma;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The {@code dma} module's own rule: no system calls, no fd handling (native engines live in other modules). */
class ModuleRulesTest {
    @Test
    void shouldHoldNoSystemCallOrFdCloseWhenModuleClassesAreInspected() throws IOException {
        Path classes = Path.of("target", "classes", "io", "vhostdma", "dma");
        List<String> forbidden = List.of("java/lang/foreign/Linker", "java/lang/foreign/SymbolLookup",
            "java/io/FileDescriptor", "java/nio/channels", "reinterpret", "ProcessBuilder");
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String text = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String f : forbidden) {
                    assertTrue(!text.contains(f), p + " references " + f);
                }
                checked++;
            }
        }
        assertTrue(checked > 20, "inspected " + checked + " classes");
    }
}
