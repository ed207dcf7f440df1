package io.vhostdma.backend;

import io.vhostdma.backend.demo.Demo;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.EmbeddedDefault;
import io.vhostdma.config.VhostdConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code vhostd [--config FILE] | demo [--seconds N] | --print-default-config | --help}. */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = null;
        boolean demo = false;
        int demoSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "demo" -> demo = true;
                case "--seconds" -> {
                    if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,6}")) {
                        return usage(err, "--seconds needs a whole number");
                    }
                    demoSeconds = Integer.parseInt(args[++i]);
                }
                case "--print-default-config" -> {
                    out.print(EmbeddedDefault.yaml(defaultConfig()));
                    return EXIT_OK;
                }
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return EXIT_OK;
                }
                default -> {
                    return usage(err, "unknown argument: " + args[i]);
                }
            }
        }
        VhostdConfig config;
        try {
            config = configFile == null ? defaultConfig() : ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            for (String p : e.problems()) {
                err.println(p);
            }
            err.println("vhostd: " + e.problems().size() + " config problem(s); nothing was started");
            return EXIT_CONFIG;
        }
        try {
            return demo ? Demo.run(config, demoSeconds, out) : serve(config, out);
        } catch (io.vhostdma.backend.dma.DmaSetupException e) {
            err.println(e.getMessage());
            err.println("vhostd: 1 config problem(s); nothing was started");
            return EXIT_CONFIG;
        } catch (RuntimeException e) {
            err.println("vhostd: " + e.getMessage());
            return EXIT_RUNTIME;
        }
    }

    private static int serve(VhostdConfig config, PrintStream out) {
        CountDownLatch stop = new CountDownLatch(1);
        // SIGTERM/SIGINT end the daemon cleanly (final stats, sockets removed) with exit code 0
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
        try (Vhostd daemon = Vhostd.start(config, out)) {
            out.println("vhostd: ready");
            out.flush();
            stop.await();
            out.println("vhostd: stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    static VhostdConfig defaultConfig() {
        return EmbeddedDefault.create(System.getenv(), uid());
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vhostd: " + problem);
        err.println(USAGE);
        return EXIT_CONFIG;
    }

    static final String USAGE = """
            usage: vhostd [--config FILE]          serve the ports of FILE (embedded default without it)
                   vhostd demo [--seconds N]       default config + two Java front ends pushing traffic
                   vhostd --print-default-config   print the embedded default config as YAML
            exit codes: 0 ok, 1 runtime failure, 2 config or usage error""";
}
