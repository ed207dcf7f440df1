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
        Path configFile = null;
        Path runtimeDir = null;
        boolean printDefault = false;
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
                case "--runtime-dir" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--runtime-dir needs a directory");
                    }
                    runtimeDir = Path.of(args[++i]).toAbsolutePath().normalize();
                    if (!RuntimeDir.fits(runtimeDir)) {
                        return usage(err, "--runtime-dir " + runtimeDir + ": too long for a socket path");
                    }
                }
                case "demo" -> demo = true;
                case "--seconds" -> {
                    if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,6}")) {
                        return usage(err, "--seconds needs a whole number");
                    }
                    demoSeconds = Integer.parseInt(args[++i]);
                }
                case "--print-default-config" -> printDefault = true;
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return EXIT_OK;
                }
                default -> {
                    return usage(err, "unknown argument: " + args[i]);
                }
            }
        }
        if (printDefault) {
            out.print(EmbeddedDefault.yaml(defaultConfig(runtimeDir)));
            return EXIT_OK;
        }
        VhostdConfig config;
        try {
            config = configFile == null ? defaultConfig(runtimeDir) : ConfigLoader.load(configFile);
            if (runtimeDir != null) {
                config = config.withRuntimeDir(runtimeDir);
            }
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
        } catch (EnvironmentException e) {
            err.println(e.getMessage());
            err.println("vhostd: environment problem; vhostd stopped");
            return EXIT_ENVIRONMENT;
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
