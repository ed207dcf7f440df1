package io.vhostdma.backend.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A command line after the global options: the command's name, its positional arguments, and its
 * own options (flag name to value; a flag without value maps to the empty string).
 *
 * @param name       the command
 * @param positional its arguments
 * @param options    its options
 */
record Command(String name, List<String> positional, Map<String, String> options) {
    /**
     * Per command: number of positional arguments (min, max), options (name to "takes a value"), and
     * whether it only reads (then it may use the read-only socket).
     */
    private record Shape(int min, int max, Map<String, Boolean> options, boolean readOnly) {
        /** A command that changes something and needs a group token ({@code --token-file FILE|-}). */
        static Shape withToken(int args) {
            return new Shape(args, args, Map.of(TOKEN_FILE, true), false);
        }
    }

    /** The option that names a group token's file ({@code -}: standard input). */
    static final String TOKEN_FILE = "--token-file";

    private static final Map<String, Shape> SHAPES = Map.ofEntries(
            Map.entry("status", new Shape(0, 0, Map.of(), true)),
            Map.entry("ports", new Shape(0, 0, Map.of(), true)),
            Map.entry("port", new Shape(1, 1, Map.of(), true)),
            Map.entry("queues", new Shape(0, 1, Map.of(), true)),
            Map.entry("stats", new Shape(0, 0, Map.of("--watch", false), true)),
            Map.entry("dma", new Shape(0, 0, Map.of(), true)),
            Map.entry("bind", new Shape(3, 3, Map.of(), false)),
            Map.entry("unbind", new Shape(2, 2, Map.of(), false)),
            Map.entry("groups", new Shape(0, 0, Map.of(), true)),
            Map.entry("join", Shape.withToken(2)),
            Map.entry("leave", Shape.withToken(2)),
            Map.entry("create-group", Shape.withToken(2)),
            Map.entry("add-port", new Shape(2, 2, Map.of("--client", false, "--queue-pairs", true,
                    "--socket-mode", true, "--socket-group", true), false)),
            Map.entry("remove-port", new Shape(1, 1, Map.of(), false)),
            Map.entry("events", new Shape(0, 0, Map.of("--count", true), true)));

    /** Parses {@code words} (command first); throws a usage {@link CtlException} on any mistake. */
    static Command parse(List<String> words) {
        String name = words.getFirst();
        Shape shape = SHAPES.get(name);
        if (shape == null) {
            throw CtlException.usage("unknown command: " + name);
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new TreeMap<>();
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--")) {
                positional.add(w);
                continue;
            }
            Boolean takesValue = shape.options().get(w);
            if (takesValue == null) {
                throw CtlException.usage(name + ": unknown option: " + w);
            }
            if (takesValue) {
                if (i + 1 >= words.size()) {
                    throw CtlException.usage(name + ": " + w + " needs a value");
                }
                options.put(w, words.get(++i));
            } else if (w.equals("--watch") && i + 1 < words.size() && words.get(i + 1).matches("\\d+(\\.\\d+)?")) {
                options.put(w, words.get(++i));
            } else {
                options.put(w, "");
            }
        }
        check(name, shape, positional, options);
        return new Command(name, List.copyOf(positional), options);
    }

    /** The argument count, and for a command that needs a group token, where the token comes from. */
    private static void check(String name, Shape shape, List<String> positional, Map<String, String> options) {
        boolean needsToken = shape.options().containsKey(TOKEN_FILE);
        if (needsToken && positional.size() == shape.max() + 1) {
            throw CtlException.usage(name + ": a token is never taken as an argument (every local user can read the"
                    + " command line); give " + TOKEN_FILE + " FILE, or " + TOKEN_FILE + " - to read it from stdin");
        }
        if (positional.size() < shape.min() || positional.size() > shape.max()) {
            throw CtlException.usage(name + ": expected " + (shape.min() == shape.max() ? shape.min()
                    : shape.min() + ".." + shape.max()) + " argument(s), got " + positional.size());
        }
        if (needsToken && !options.containsKey(TOKEN_FILE)) {
            throw CtlException.usage(name + ": the group's token is required: " + TOKEN_FILE + " FILE (or - for stdin)");
        }
    }

    /** Whether {@code word} is an option of command {@code name} (so it is not a global option there). */
    static boolean hasOption(String name, String word) {
        Shape shape = SHAPES.get(name);
        return shape != null && shape.options().containsKey(word);
    }

    /** Whether this command only reads. */
    boolean readOnly() {
        return SHAPES.get(name).readOnly();
    }

    String arg(int i) {
        return positional.get(i);
    }

    /** A positive whole-number option, or {@code fallback} when absent. */
    int intOption(String option, int fallback) {
        String v = options.get(option);
        if (v == null) {
            return fallback;
        }
        if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < 1) {
            throw CtlException.usage(name + ": " + option + " must be a positive whole number: " + v);
        }
        return Integer.parseInt(v);
    }
}
