package io.vhostdma.config;

/**
 * Where in the config document a value sits, rendered as in problem messages:
 * {@code ports[1].queue-pairs}, {@code management.grpc}, {@code worker-cpus[0]}.
 */
record ConfigPath(String text) {

    /** The document root; renders as the empty string. */
    static final ConfigPath ROOT = new ConfigPath("");

    /** The value under mapping key {@code key}. */
    ConfigPath key(String key) {
        return new ConfigPath(text.isEmpty() ? key : text + "." + key);
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
