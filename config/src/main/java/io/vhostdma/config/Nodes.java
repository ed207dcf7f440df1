package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Typed reads of single JSON/YAML tree values. Each read either returns the value or records one
 * problem (quoting the value found) and returns {@code null}.
 */
final class Nodes {

    private Nodes() {
    }

    /** How a found value is shown in a message: strings quoted, numbers and booleans as is. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.asText();
    }

    /**
     * {@code s} as is when it is plain printable text, else {@linkplain #quote quoted}: a value
     * holding a control character (a line break, a carriage return) cannot split or hide part of a
     * problem line.
     */
    static String shownPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '"') {
                return quote(s);
            }
        }
        return s;
    }

    /** {@code s} as a double-quoted, JSON-escaped string. */
    static String quote(String s) {
        return TextNode.valueOf(s).toString();
    }

    /** An integer within {@code min..max}, or {@code null} after recording a problem. */
    static Integer intInRange(JsonNode node, ConfigPath path, Problems problems, int min, int max) {
        if (node == null || !node.isIntegralNumber()) {
            problems.add(path, "must be an integer, got " + describe(node));
            return null;
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            problems.add(path, node.asText() + " is out of range (" + min + ".." + max + ")");
            return null;
        }
        return node.intValue();
    }

    /** A string, or {@code null} after recording a problem. */
    static String string(JsonNode node, ConfigPath path, Problems problems) {
        if (node == null || !node.isTextual()) {
            problems.add(path, "must be a string, got " + describe(node));
            return null;
        }
        return node.textValue();
    }

    /** The constant of {@code type} whose lower-case name is the string {@code node}, or {@code null}. */
    static <E extends Enum<E>> E oneOf(JsonNode node, ConfigPath path, Problems problems, Class<E> type) {
        E[] constants = type.getEnumConstants();
        StringBuilder names = new StringBuilder();
        for (E constant : constants) {
            String name = constant.name().toLowerCase(java.util.Locale.ROOT);
            if (node != null && node.isTextual() && node.textValue().equals(name)) {
                return constant;
            }
            names.append(names.isEmpty() ? "" : ", ").append(name);
        }
        if (node != null && node.isTextual()) {
            problems.add(path, describe(node) + " is not one of " + names);
        } else {
            problems.add(path, "must be one of " + names + ", got " + describe(node));
        }
        return null;
    }

    /** Whether {@code node} is a list; records a problem when it is not. */
    static boolean isList(JsonNode node, ConfigPath path, Problems problems) {
        if (node != null && node.isArray()) {
            return true;
        }
        problems.add(path, "must be a list, got " + describe(node));
        return false;
    }

    /** Whether {@code node} is a mapping; records a problem when it is not. */
    static boolean isMapping(JsonNode node, ConfigPath path, Problems problems) {
        if (node != null && node.isObject()) {
            return true;
        }
        problems.add(path, "must be a mapping, got " + describe(node));
        return false;
    }
}
