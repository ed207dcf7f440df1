package io.vhostdma.config;

import java.io.Serial;
import java.util.List;

/**
 * The config file could not be read or is invalid. Carries every problem found, each a line of the
 * form {@code path: message} (a YAML syntax error is {@code source:line:column: message}; an unreadable
 * file is {@code file: cannot read: reason}). {@link #getMessage()} joins them one per line.
 */
public final class ConfigException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> problems;

    /**
     * @param source   the file name or source label the problems refer to
     * @param problems at least one problem line
     */
    public ConfigException(String source, List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem: source=" + source);
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file name or source label given to the loader. */
    public String source() {
        return source;
    }

    /** Every problem, in the order found (document order where possible). */
    public List<String> problems() {
        return problems;
    }
}
