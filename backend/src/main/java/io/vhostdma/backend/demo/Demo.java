package io.vhostdma.backend.demo;

import io.vhostdma.config.VhostdConfig;
import java.io.PrintStream;

/** {@code vhostd demo}: placeholder until the front end lands. */
public final class Demo {
    private Demo() {
    }

    public static int run(VhostdConfig config, int seconds, PrintStream out) {
        throw new UnsupportedOperationException("demo not yet available");
    }
}
