package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and validates the vhostd config file (YAML; JSON accepted). Every problem is collected and
 * reported together in one {@link ConfigException}; a returned config is valid.
 *
 * <p>JSON: a document whose first non-blank character is <code>{</code> is parsed as strict JSON
 * first (YAML forbids tab indentation, which JSON files often use); if that fails it is tried as
 * YAML flow style, and if both fail the JSON error is reported. Duplicate keys are errors in both.
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
     * Loads {@code file}.
     *
     * @throws ConfigException with the single problem {@code <file>: cannot read: <reason>} when the
     *                         file cannot be read, else with every validation problem
     */
    public static VhostdConfig load(Path file) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw cannotRead(source, "is a directory");
            }
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw cannotRead(source, "larger than " + MAX_FILE_BYTES + " bytes");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw cannotRead(source, reason(e));
        }
        return parse(text, source);
    }

    /**
     * Parses and validates {@code text}.
     *
     * @param sourceName the file name (or a label such as {@code <embedded>}) used in syntax errors
     */
    public static VhostdConfig parse(String text, String sourceName) throws ConfigException {
        JsonNode root = tree(text, sourceName);
        Problems problems = new Problems();
        VhostdConfig config = RootReader.read(root, sourceName, problems);
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

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException ignored -> "no such file";
            case AccessDeniedException ignored -> "permission denied";
            case CharacterCodingException ignored -> "not valid UTF-8";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
