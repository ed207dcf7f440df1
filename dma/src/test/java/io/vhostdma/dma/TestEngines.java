package io.vhostdma.dma;

import java.util.Arrays;
import java.util.List;

/**
 * The engines the engine-generic suites run against, and how to create a device of each. By default
 * the built-in {@code cpu} and {@code sw}; another module runs the same suites against its engine by
 * setting system properties: {@code vhostdma.test.engines} (comma-separated names, replacing the
 * default), and per engine {@code vhostdma.test.engine.<name>.device} (the backing device) and
 * {@code vhostdma.test.engine.<name>.runtime-args} (whitespace-separated runtime arguments).
 */
public final class TestEngines {
    private TestEngines() {
    }

    /** @return the engine names under test (a JUnit {@code @MethodSource}) */
    public static List<String> names() {
        String list = System.getProperty("vhostdma.test.engines", "cpu,sw");
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** @return {@code base} with the backing device and runtime arguments configured for {@code engine} */
    public static EngineOptions options(String engine, EngineOptions base) {
        String device = System.getProperty("vhostdma.test.engine." + engine + ".device");
        if (device == null) {
            return base;
        }
        String args = System.getProperty("vhostdma.test.engine." + engine + ".runtime-args", "").trim();
        return base.withBacking(device, args.isEmpty() ? List.of() : List.of(args.split("\\s+")));
    }

    /**
     * Creates a device, or skips the calling test (printing {@code SKIPPED: <reason>}) when the engine's
     * runtime is not installed on this machine ({@link DmaException.Unavailable}; any other failure fails).
     */
    public static DmaDevice create(DmaDevices dmas, String name, String engine, EngineOptions base) {
        try {
            return dmas.create(name, engine, options(engine, base));
        } catch (DmaException.Unavailable e) {
            System.out.println("SKIPPED: engine " + engine + ": " + e.getMessage());
            dmas.close();
            org.junit.jupiter.api.Assumptions.abort("engine " + engine + " unavailable: " + e.getMessage());
            throw e;
        }
    }

    /** @return whether the engine honours the fault-injection knobs of {@link EngineOptions} */
    public static boolean injectsFaults(String engine) {
        return engine.equals("cpu") || engine.equals("sw");
    }
}
