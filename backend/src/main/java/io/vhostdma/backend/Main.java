package io.vhostdma.backend;

import io.vhostdma.backend.demo.Demo;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.backend.sockets.EnvironmentException;
import io.vhostdma.config.EmbeddedDefault;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vhostd [--config FILE] [--runtime-dir DIR] | demo [--seconds N] | --print-default-config | --help}.
 * Exit codes: 0 ok, 1 runtime failure, 2 config or usage error, 3 environment problem (a socket
 * directory someone else owns or may write, a socket path in use).
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_CONFIG = 2;
    static final int EXIT_ENVIRONMENT = 3;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (a.help()) {
            out.println(USAGE);
            return EXIT_OK;
        }
        if (a.printDefault()) {
            out.print(EmbeddedDefault.yaml(defaultConfig(a.runtimeDir())));
            return EXIT_OK;
        }
        VhostdConfig config;
        try {
            config = a.configFile() == null ? defaultConfig(a.runtimeDir()) : ConfigLoader.load(a.configFile());
            config = a.runtimeDir() == null ? config : config.withRuntimeDir(a.runtimeDir());
        } catch (ConfigException e) {
            for (String p : e.problems()) {
                err.println(p);
            }
            err.println("vhostd: " + e.problems().size() + " config problem(s); nothing was started");
            return EXIT_CONFIG;
        }
        return start(a, config, out, err);
    }

    private static int start(Args a, VhostdConfig config, PrintStream out, PrintStream err) {
        try {
            return a.demo() ? Demo.run(config, a.demoSeconds(), out) : serve(config, out);
        } catch (io.vhostdma.backend.dma.DmaSetupException e) {
            err.println(e.getMessage());
            err.println("vhostd: 1 config problem(s); nothing was started");
            return EXIT_CONFIG;
        } catch (EnvironmentException e) {
            err.println(e.getMessage());
            err.println("vhostd: environment problem; vhostd stopped");
            return EXIT_ENVIRONMENT;
        } catch (RuntimeException e) {
            err.println("vhostd: " + e.getMessage());
            return EXIT_RUNTIME;
        }
    }

    /** The command line; {@link #parse} throws IllegalArgumentException with the usage problem. */
    private record Args(Path configFile, Path runtimeDir, boolean printDefault, boolean demo, int demoSeconds,
                        boolean help) {
        static Args parse(String[] args) {
            Path configFile = null;
            Path runtimeDir = null;
            boolean printDefault = false;
            boolean demo = false;
            int demoSeconds = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> configFile = Path.of(value(args, ++i, "--config needs a file"));
                    case "--runtime-dir" -> runtimeDir = runtimeDir(value(args, ++i, "--runtime-dir needs a directory"));
                    case "demo" -> demo = true;
                    case "--seconds" -> demoSeconds = seconds(value(args, ++i, "--seconds needs a whole number"));
                    case "--print-default-config" -> printDefault = true;
                    case "--help", "-h" -> {
                        return new Args(null, null, false, false, 0, true);
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            return new Args(configFile, runtimeDir, printDefault, demo, demoSeconds, false);
        }

        private static String value(String[] args, int i, String problem) {
            if (i >= args.length) {
                throw new IllegalArgumentException(problem);
            }
            return args[i];
        }

        private static Path runtimeDir(String text) {
            Path dir = Path.of(text).toAbsolutePath().normalize();
            if (!RuntimeDir.fits(dir)) {
                throw new IllegalArgumentException("--runtime-dir " + dir + ": too long for a socket path");
            }
            return dir;
        }

        private static int seconds(String text) {
            if (!text.matches("\\d{1,6}")) {
                throw new IllegalArgumentException("--seconds needs a whole number");
            }
            return Integer.parseInt(text);
        }
    }

    private static int serve(VhostdConfig config, PrintStream out) {
        CountDownLatch stop = new CountDownLatch(1);
        try (Vhostd daemon = Vhostd.start(config, out)) {
            // SIGTERM/SIGINT end the daemon cleanly (final stats, sockets removed) with exit code 0
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
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
        return defaultConfig(null);
    }

    /** The embedded default with its sockets in {@code runtimeDir}, or in the default runtime directory. */
    static VhostdConfig defaultConfig(Path runtimeDir) {
        return runtimeDir == null ? EmbeddedDefault.create(System.getenv(), RuntimeDir.currentUid())
                : EmbeddedDefault.create(runtimeDir, Runtime.getRuntime().availableProcessors());
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vhostd: " + problem);
        err.println(USAGE);
        return EXIT_CONFIG;
    }

    static final String USAGE = """
            usage: vhostd [--config FILE]          serve the ports of FILE (embedded default without it)
                          [--runtime-dir DIR]      management sockets (and the default's ports) in DIR
                                                   (default: $RUNTIME_DIRECTORY, $XDG_RUNTIME_DIR/vhostd,
                                                   /tmp/vhostd-UID; overrides the config's runtime-dir)
                   vhostd demo [--seconds N]       default config + two Java front ends pushing traffic
                   vhostd --print-default-config   print the embedded default config as YAML
            exit codes: 0 ok, 1 runtime failure, 2 config or usage error, 3 environment problem
              (a socket directory vhostd does not own or others may write, a socket path in use)""";
}
