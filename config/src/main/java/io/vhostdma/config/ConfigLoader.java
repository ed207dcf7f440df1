package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and validates the vhostd config file (YAML; JSON accepted). Every problem is collected and
 * reported together in one {@link ConfigException}; a returned config is valid.
 *
 * <p>JSON: a document whose first non-blank character is <code>{</code> is parsed as strict JSON
 * first (YAML forbids tab indentation, which JSON files often use); if that fails it is tried as
 * YAML flow style, and if both fail the JSON error is reported. Duplicate keys are errors in both.
 *
 * <p>Access-group tokens written {@code env:VAR} are read from an environment map ({@code System.getenv()}
 * unless one is given) and {@code file:PATH} tokens from the file, both at load time.
 */
public final class ConfigLoader {

    /** Files larger than this are refused before parsing; a real config is a few kilobytes. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {
    }

    /**
     * Loads {@code file}, reading {@code env:} tokens from {@code System.getenv()}.
     *
     * @throws ConfigException with the single problem {@code <file>: cannot read: <reason>} when the
     *                         file cannot be read, else with every validation problem
     */
    public static VhostdConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /**
     * Loads {@code file}, reading {@code env:} tokens from {@code env}.
     *
     * @throws ConfigException with the single problem {@code <file>: cannot read: <reason>} when the
     *                         file cannot be read, else with every validation problem
     */
    public static VhostdConfig load(Path file, Map<String, String> env) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw cannotRead(source, "is a directory");
            }
            text = FileText.read(file, MAX_FILE_BYTES);
        } catch (FileText.TooLarge e) {
            throw cannotRead(source, e.getMessage());
        } catch (IOException e) {
            throw cannotRead(source, reason(e));
        }
        return parse(text, source, env);
    }

    /**
     * Parses and validates {@code text}, reading {@code env:} tokens from {@code System.getenv()}.
     *
     * @param sourceName the file name (or a label such as {@code <embedded>}) used in syntax errors
     */
    public static VhostdConfig parse(String text, String sourceName) throws ConfigException {
        return parse(text, sourceName, System.getenv());
    }

    /**
     * Parses and validates {@code text}, reading {@code env:} tokens from {@code env}.
     *
     * @param sourceName the file name (or a label such as {@code <embedded>}) used in syntax errors
     * @param env        the environment ({@code System.getenv()} in vhostd)
     */
    public static VhostdConfig parse(String text, String sourceName, Map<String, String> env)
            throws ConfigException {
        Objects.requireNonNull(env, "env");
        JsonNode root = tree(text, sourceName);
        Problems problems = new Problems();
        VhostdConfig config = RootReader.read(root, sourceName, env, problems);
        if (!problems.isEmpty()) {
            throw problems.toException(sourceName);
        }
        return config;
    }

    private static JsonNode tree(String text, String sourceName) throws ConfigException {
        if (text.stripLeading().startsWith("{")) {
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException jsonError) {
                try {
                    return YAML.readTree(text);
                } catch (JsonProcessingException yamlError) {
                    throw syntax(sourceName, jsonError);
                }
            }
        }
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw syntax(sourceName, e);
        }
    }

    private static ConfigException syntax(String sourceName, JsonProcessingException e) {
        return new ConfigException(sourceName, List.of(SyntaxErrors.describe(sourceName, e)));
    }

    private static ConfigException cannotRead(String source, String reason) {
        return new ConfigException(source, List.of(source + ": cannot read: " + reason));
    }

    /** A short reason for a failed read: {@code no such file}, {@code permission denied}, …. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException ignored -> "no such file";
            case AccessDeniedException ignored -> "permission denied";
            case CharacterCodingException ignored -> "not valid UTF-8";
            case FileSystemException f when f.getReason() != null -> Nodes.shownPlain(f.getReason());
            default -> e.getMessage() != null ? Nodes.shownPlain(e.getMessage()) : e.getClass().getSimpleName();
        };
    }
}
