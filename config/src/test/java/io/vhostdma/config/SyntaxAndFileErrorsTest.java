package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntaxAndFileErrorsTest {

    @TempDir
    Path dir;

    private List<String> loadProblems(Path file) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).problems();
    }

    @Test
    void shouldReportLineAndColumnWhenYamlIsMalformed() {
        assertEquals(List.of("test.yaml:1:5: mapping values are not allowed here"), problems("a: b: c\n"));
    }

    @Test
    void shouldReportContextWhenIndentationIsBroken() {
        assertEquals(List.of("test.yaml:3:2: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block mapping at line 1, column 1)"), problems("a:\n  - b\n c: d\n"));
    }

    @Test
    void shouldReportDuplicateKeyWhenAKeyRepeats() {
        assertEquals(List.of("test.yaml:5:8: duplicate key \"workers\""),
                problems(ONE_PORT + "workers: 1\nworkers: 2\n"));
    }

    @Test
    void shouldReportJsonErrorWhenJsonIsMalformed() {
        assertEquals(List.of("test.yaml:3:1: Unexpected character ('}' (code 125)):"
                + " was expecting double-quote to start field name"), problems("{\n\t\"workers\": 1,\n}\n"));
    }

    @Test
    void shouldDropJacksonSourceNoteWhenJsonBracketsMismatch() {
        assertEquals(List.of("test.yaml:1:16: Unexpected close marker '}': expected ']'"
                + " (for Array starting at [line: 1, column: 11])"), problems("{\"ports\": [1, 2}"));
    }

    @Test
    void shouldExplainTabsWhenYamlIsIndentedWithTabs() {
        assertEquals(List.of("test.yaml:3:1: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)"),
                problems("ports:\n  - name: vm0\n\tsocket: x\n"));
    }

    @Test
    void shouldLoadWhenFileIsValid() throws IOException, ConfigException {
        Path file = dir.resolve("vhostd.yaml");
        Files.writeString(file, ONE_PORT);
        assertEquals("vm0", ConfigLoader.load(file).ports().getFirst().name());
    }

    @Test
    void shouldUseFileNameInSyntaxErrorsWhenLoadingAFile() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "ports: [\n");
        assertEquals(List.of(file + ":2:1: expected the node content, but found '<stream end>'"
                + " (while parsing a flow node at line 2, column 1)"), loadProblems(file));
    }

    @Test
    void shouldReportCannotReadWhenFileIsMissing() {
        Path file = dir.resolve("missing.yaml");
        assertEquals(List.of(file + ": cannot read: no such file"), loadProblems(file));
    }

    @Test
    void shouldReportCannotReadWhenPathIsADirectory() {
        assertEquals(List.of(dir + ": cannot read: is a directory"), loadProblems(dir));
    }

    @Test
    void shouldReportCannotReadWhenFileIsNotUtf8() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertEquals(List.of(file + ": cannot read: not valid UTF-8"), loadProblems(file));
    }

    @Test
    void shouldReportCannotReadWhenFileIsTooLarge() throws IOException {
        Path file = dir.resolve("huge.yaml");
        Files.write(file, new byte[(int) ConfigLoader.MAX_FILE_BYTES + 1]);
        assertEquals(List.of(file + ": cannot read: larger than 1048576 bytes"), loadProblems(file));
    }

    @Test
    void shouldReportTooLargeWithoutReadingItAllWhenFileIsEndless() throws IOException {
        Path file = Files.createSymbolicLink(dir.resolve("endless.yaml"), Path.of("/dev/zero"));
        assertEquals(List.of(file + ": cannot read: larger than 1048576 bytes"), loadProblems(file));
    }
}
