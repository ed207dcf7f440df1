package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An access group's {@code token}, resolved at load time: {@code env:VAR} reads environment variable
 * VAR, {@code file:PATH} reads the file at absolute PATH (trailing whitespace, such as the final
 * newline, removed), anything else is the token itself. Whatever the source, the token must be
 * {@value #MIN_LENGTH}..{@value #MAX_LENGTH} characters. Problems never quote the token or the
 * value of a variable or file, only where it was to come from.
 */
final class Tokens {

    static final String ENV_PREFIX = "env:";
    static final String FILE_PREFIX = "file:";
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 256;
    /** A token file larger than this is refused before reading; a token is at most 256 characters. */
    static final long MAX_FILE_BYTES = 4096;

    private Tokens() {
    }

    /** The resolved token, or {@code null} after recording a problem. */
    static String resolve(JsonNode node, ConfigPath path, Map<String, String> env, Problems problems) {
        if (node == null || !node.isTextual()) {
            problems.add(path, "must be a string (a literal token, env:VAR or file:PATH), got " + kind(node));
            return null;
        }
        String text = node.textValue();
        if (text.startsWith(ENV_PREFIX)) {
            return fromEnv(text.substring(ENV_PREFIX.length()), path, env, problems);
        }
        if (text.startsWith(FILE_PREFIX)) {
            return fromFile(text.substring(FILE_PREFIX.length()), path, problems);
        }
        return checkLength(text, "literal token", path, problems);
    }

    /** Whether {@code token} would be read back as itself when written as a literal. */
    static boolean isLiteral(String token) {
        return !token.startsWith(ENV_PREFIX) && !token.startsWith(FILE_PREFIX);
    }

    private static String fromEnv(String variable, ConfigPath path, Map<String, String> env, Problems problems) {
        if (variable.isEmpty()) {
            problems.add(path, "\"env:\" names no environment variable");
            return null;
        }
        String value = env.get(variable);
        if (value == null) {
            problems.add(path, "environment variable " + Nodes.shownPlain(variable) + " is not set");
            return null;
        }
        if (value.isEmpty()) {
            problems.add(path, "environment variable " + Nodes.shownPlain(variable) + " is set but empty");
            return null;
        }
        return checkLength(value, "token from environment variable " + Nodes.shownPlain(variable), path, problems);
    }

    /**
     * The token in the file at absolute path {@code name}, which must not be readable by other users
     * (mode bits 0004): the management token opens every RPC over TCP.
     */
    static String fromPrivateFile(String name, ConfigPath path, Problems problems) {
        try {
            Path file = Path.of(name);
            if (file.isAbsolute() && Files.isRegularFile(file)
                    && (((Integer) Files.getAttribute(file, "unix:mode")) & 0004) != 0) {
                problems.add(path, "token file " + file + " is readable by other users (chmod o-r " + file + ")");
                return null;
            }
        } catch (InvalidPathException | IOException | UnsupportedOperationException e) {
            // fromFile reports what is wrong with the path or the file
        }
        return fromFile(name, path, problems);
    }

    static String fromFile(String name, ConfigPath path, Problems problems) {
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            problems.add(path, "token file " + Nodes.quote(name) + " is not a valid path (" + e.getReason() + ")");
            return null;
        }
        if (!file.isAbsolute()) {
            problems.add(path, "token file " + Nodes.quote(name) + " is not an absolute path");
            return null;
        }
        String shown = Nodes.shownPlain(file.toString());
        String contents;
        try {
            if (Files.isDirectory(file)) {
                problems.add(path, "cannot read token file " + shown + ": is a directory");
                return null;
            }
            contents = FileText.read(file, MAX_FILE_BYTES).stripTrailing();
        } catch (FileText.TooLarge e) {
            problems.add(path, "cannot read token file " + shown + ": " + e.getMessage());
            return null;
        } catch (IOException e) {
            problems.add(path, "cannot read token file " + shown + ": " + ConfigLoader.reason(e));
            return null;
        }
        if (contents.isEmpty()) {
            problems.add(path, "token file " + shown + " is empty");
            return null;
        }
        return checkLength(contents, "token from file " + shown, path, problems);
    }

    private static String checkLength(String token, String what, ConfigPath path, Problems problems) {
        int length = token.codePointCount(0, token.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            problems.add(path, what + " has " + length + (length == 1 ? " character" : " characters")
                    + " (" + MIN_LENGTH + ".." + MAX_LENGTH + " required)");
            return null;
        }
        return token;
    }

    /** The kind of a non-string value, never the value itself (it may be a mistyped secret). */
    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "null";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "a " + node.getNodeType();
    }
}
