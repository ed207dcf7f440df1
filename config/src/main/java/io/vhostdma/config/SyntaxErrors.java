package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a YAML/JSON parse failure into one {@code source:line:column: message} problem line (line
 * and column 1-based). YAML errors use SnakeYAML's problem mark and context; JSON errors Jackson's
 * location; a repeated key reads {@code duplicate key "workers"}.
 */
final class SyntaxErrors {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");
    /** Jackson embeds "[Source: REDACTED (...); line: 1, column: 11]" in some messages. */
    private static final Pattern SOURCE_NOTE = Pattern.compile("\\[Source: [^;\\]]*; ");

    private SyntaxErrors() {
    }

    static String describe(String source, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + yamlMessage(yaml);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1
                ? source
                : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
        return where + ": " + jacksonMessage(e);
    }

    private static String yamlMessage(MarkedYAMLException yaml) {
        String problem = firstLine(yaml.getProblem());
        if (yaml.getContext() == null) {
            return problem;
        }
        Mark mark = yaml.getContextMark();
        String context = firstLine(yaml.getContext());
        return mark == null
                ? problem + " (" + context + ")"
                : problem + " (" + context + " at line " + (mark.getLine() + 1)
                        + ", column " + (mark.getColumn() + 1) + ")";
    }

    private static String jacksonMessage(JsonProcessingException e) {
        String message = SOURCE_NOTE.matcher(firstLine(e.getOriginalMessage())).replaceAll("[");
        Matcher duplicate = DUPLICATE.matcher(message);
        return duplicate.matches() ? "duplicate key " + Nodes.quote(duplicate.group(1)) : message;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "syntax error";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
