package io.vhostdma.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns a YAML/JSON parse failure into one {@code source:line:column: message} problem line. */
final class SyntaxErrors {

    private SyntaxErrors() {
    }

    /** {@code source:line:column: message}, both numbers 1-based; the location is left out if unknown. */
    static String describe(String source, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1
                ? source
                : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
        return where + ": " + message(e);
    }

    private static String message(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml) {
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
        return firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "syntax error";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
