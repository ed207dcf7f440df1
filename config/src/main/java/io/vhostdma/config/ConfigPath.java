package io.vhostdma.config;

/**
 * Where in the config document a value sits, rendered as in problem messages:
 * {@code ports[1].queue-pairs}, {@code management.grpc}, {@code worker-cpus[0]}. A key that is not
 * plain ({@code [A-Za-z0-9_-]+}) is shown JSON-quoted ({@code ports[0]."my key"}), so a key holding
 * a colon, a dot or a line break cannot blur where the path ends or split a problem line.
 */
record ConfigPath(String text) {

    private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

    /** The document root; renders as the empty string. */
    static final ConfigPath ROOT = new ConfigPath("");

    /** The value under mapping key {@code key}. */
    ConfigPath key(String key) {
        String shown = PLAIN_KEY.matcher(key).matches() ? key : Nodes.quote(key);
        return new ConfigPath(text.isEmpty() ? shown : text + "." + shown);
    }

    /** The list element at {@code index}. */
    ConfigPath index(int index) {
        return new ConfigPath(text + "[" + index + "]");
    }

    @Override
    public String toString() {
        return text;
    }
}
