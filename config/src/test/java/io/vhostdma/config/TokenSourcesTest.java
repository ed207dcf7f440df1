package io.vhostdma.config;

import static io.vhostdma.config.ConfigTestSupport.ONE_PORT;
import static io.vhostdma.config.ConfigTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourcesTest {

    @TempDir
    Path dir;

    /** One port and one group {@code g} with member vm0 whose token is written {@code token}. */
    private static String group(String token) {
        return ONE_PORT + "access-groups:\n  - name: g\n    token: " + token + "\n    members: [vm0]\n";
    }

    private static String token(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, "t", env).accessGroups().getFirst().token();
    }

    @Test
    void shouldReadTokenFromTheEnvironmentWhenTokenIsEnvVar() throws ConfigException {
        assertEquals("from-the-env-1", token(group("env:GROUP_TOKEN"), Map.of("GROUP_TOKEN", "from-the-env-1")));
    }

    @Test
    void shouldRejectWhenEnvironmentVariableIsNotSet() {
        assertEquals(List.of("access-groups[0].token: environment variable GROUP_TOKEN is not set"),
                problems(group("env:GROUP_TOKEN"), Map.of("OTHER", "x")));
    }

    @Test
    void shouldRejectWhenEnvironmentVariableIsEmpty() {
        assertEquals(List.of("access-groups[0].token: environment variable GROUP_TOKEN is set but empty"),
                problems(group("env:GROUP_TOKEN"), Map.of("GROUP_TOKEN", "")));
    }

    @Test
    void shouldRejectWhenEnvNamesNoVariable() {
        assertEquals(List.of("access-groups[0].token: \"env:\" names no environment variable"),
                problems(group("\"env:\""), Map.of()));
    }

    @Test
    void shouldRejectWithoutShowingTheValueWhenEnvironmentTokenIsTooShort() {
        List<String> found = problems(group("env:T"), Map.of("T", "abc"));
        assertEquals(List.of("access-groups[0].token: token from environment variable T has 3 characters"
                + " (8..256 required)"), found);
        assertFalse(found.getFirst().contains("abc"));
    }

    @Test
    void shouldReadTokenFromFileWithoutTrailingNewlineWhenTokenIsFilePath() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  file-token-1 \n\n");
        assertEquals("  file-token-1", token(group("file:" + file), Map.of()));
    }

    @Test
    void shouldRejectWhenTokenFilePathIsRelative() {
        assertEquals(List.of("access-groups[0].token: token file \"secrets/t\" is not an absolute path"),
                problems(group("file:secrets/t")));
    }

    @Test
    void shouldRejectNamingThePathWhenTokenFileIsMissing() {
        Path missing = dir.resolve("missing");
        assertEquals(List.of("access-groups[0].token: cannot read token file " + missing + ": no such file"),
                problems(group("file:" + missing)));
    }

    @Test
    void shouldRejectNamingThePathWhenTokenFileIsADirectory() {
        assertEquals(List.of("access-groups[0].token: cannot read token file " + dir + ": is a directory"),
                problems(group("file:" + dir)));
    }

    @Test
    void shouldRejectNamingThePathWhenTokenFileIsEmptyOrWhitespace() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Path blank = Files.writeString(dir.resolve("blank"), " \n\t\n");
        String yaml = ONE_PORT + "access-groups:\n  - {name: a, token: \"file:" + empty + "\"}\n"
                + "  - {name: b, token: \"file:" + blank + "\"}\n";
        assertEquals(List.of("access-groups[0].token: token file " + empty + " is empty",
                "access-groups[1].token: token file " + blank + " is empty"), problems(yaml));
    }

    @Test
    void shouldRejectNamingThePathWhenTokenFileIsTooLarge() throws IOException {
        Path big = Files.writeString(dir.resolve("big"), "z".repeat(5000));
        assertEquals(List.of("access-groups[0].token: cannot read token file " + big + ": larger than 4096 bytes"),
                problems(group("file:" + big)));
    }

    @Test
    void shouldRejectNamingThePathWhenTokenFileIsNotUtf8() throws IOException {
        Path bad = Files.write(dir.resolve("bad"), new byte[] {'a', 'b', (byte) 0xff, (byte) 0xfe, 'c', 'd', 'e', 'f'});
        assertEquals(List.of("access-groups[0].token: cannot read token file " + bad + ": not valid UTF-8"),
                problems(group("file:" + bad)));
    }

    @Test
    void shouldTreatTokenAsALiteralWhenPrefixIsNeitherEnvNorFile() throws ConfigException {
        assertEquals("environment:X", token(group("\"environment:X\""), Map.of("X", "unused-value")));
    }

    @Test
    void shouldUseTheGivenEnvironmentWhenLoadingAFile() throws Exception {
        Path config = Files.writeString(dir.resolve("vhostd.yaml"), group("env:VHOSTD_TEST_TOKEN"),
                StandardCharsets.UTF_8);
        VhostdConfig loaded = ConfigLoader.load(config, Map.of("VHOSTD_TEST_TOKEN", "loaded-token"));
        assertEquals("loaded-token", loaded.accessGroups().getFirst().token());
    }

    @Test
    void shouldRejectWithoutReadingItAllWhenTokenFileIsEndless() throws IOException {
        Path endless = Files.createSymbolicLink(dir.resolve("endless.token"), Path.of("/dev/zero"));
        assertEquals(List.of("access-groups[0].token: cannot read token file " + endless + ": larger than 4096 bytes"),
                problems(group("file:" + endless), Map.of()));
    }

    @Test
    void shouldQuoteTokenFilePathWhenItHoldsControlCharacters() {
        List<String> found = problems(group("\"file:/no/such\\rfile\""), Map.of());
        assertEquals(List.of("access-groups[0].token: cannot read token file \"/no/such\\rfile\": no such file"), found);
    }

    @Test
    void shouldQuoteVariableNameWhenItHoldsControlCharacters() {
        assertEquals(List.of("access-groups[0].token: environment variable \"A\\nB\" is not set"),
                problems(group("\"env:A\\nB\""), Map.of()));
    }
}
