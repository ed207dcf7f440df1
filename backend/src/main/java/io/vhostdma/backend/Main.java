package io.vhostdma.backend;

import io.vhostdma.backend.demo.Demo;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.backend.sockets.EnvironmentException;
import io.vhostdma.config.EmbeddedDefault;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code vhostd [--config FILE] [--runtime-dir DIR] [--check] | demo [--seconds N] | --print-default-config | --help}
 * (the command line is picocli's). Exit codes: 0 ok, 1 runtime failure, 2 config or usage error, 3
 * environment problem (a socket directory someone else owns or may write, a socket path in use).
 */
@Command(name = "vhostd", synopsisHeading = "usage: ", customSynopsis = {
    "vhostd [--config FILE] [--runtime-dir DIR] [--check]",
    "       vhostd demo [--seconds N] [--config FILE] [--runtime-dir DIR]",
    "       vhostd --print-default-config [--runtime-dir DIR]"},
        optionListHeading = "options:%n", commandListHeading = "commands:%n", sortOptions = false, usageHelpWidth = 110,
        footer = {"exit codes: 0 ok, 1 runtime failure, 2 config or usage error, 3 environment problem",
            "  (a socket directory vhostd does not own or others may write, a socket path in use)"},
        subcommands = Main.DemoCommand.class)
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_CONFIG = 2;
    static final int EXIT_ENVIRONMENT = 3;
    /** What each option's value must be, for the message when it is missing. */
    private static final Map<String, String> NEEDS = Map.of("--config", "a file", "--runtime-dir", "a directory",
            "--seconds", "a whole number");

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "serve the ports of FILE (the embedded default without it)")
    private Path configFile;
    @Option(names = "--runtime-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, description = "management sockets"
            + " (and the default's ports) in DIR (default: $RUNTIME_DIRECTORY, $XDG_RUNTIME_DIR/vhostd, /tmp/vhostd-UID;"
            + " overrides the config's runtime-dir)")
    private String runtimeDir;
    @Option(names = "--print-default-config", description = "print the embedded default config as YAML")
    private boolean printDefault;
    @Option(names = "--check", description = "load and check the config, print a summary and exit (0: it is valid,"
            + " 2: its problems); starts nothing")
    private boolean check;
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "this text")
    private boolean help;

    /** {@code vhostd demo}: the default config with two Java front ends pushing traffic. */
    @Command(name = "demo", description = "default config + two Java front ends pushing traffic, rates each second")
    static final class DemoCommand {
        @Option(names = "--seconds", paramLabel = "N", description = "stop after N seconds (default: run until stopped)")
        private String seconds;
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Main a = new Main();
        CommandLine cl = new CommandLine(a).setExpandAtFiles(false).setOverwrittenOptionsAllowed(true);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        ParseResult parsed;
        int demoSeconds;
        Path dir;
        try {
            parsed = cl.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return EXIT_OK;
            }
            demoSeconds = parsed.subcommand() == null ? 0 : seconds(((DemoCommand) parsed.subcommand().commandSpec()
                    .userObject()).seconds);
            dir = a.runtimeDir == null ? null : runtimeDir(a.runtimeDir);
        } catch (CommandLine.ParameterException e) {
            return usage(err, cl, problem(e));
        } catch (IllegalArgumentException e) {
            return usage(err, cl, e.getMessage());
        }
        if (a.printDefault) {
            out.print(EmbeddedDefault.yaml(defaultConfig(dir)));
            return EXIT_OK;
        }
        VhostdConfig config;
        try {
            config = a.configFile == null ? defaultConfig(dir) : ConfigLoader.load(a.configFile);
            config = dir == null ? config : config.withRuntimeDir(dir);
        } catch (ConfigException e) {
            for (String p : e.problems()) {
                err.println(p);
            }
            err.println("vhostd: " + e.problems().size() + " config problem(s); nothing was started");
            return EXIT_CONFIG;
        }
        return a.check ? checked(config, out) : start(parsed.subcommand() != null, demoSeconds, config, out, err);
    }

    /** {@code --check}: the config loaded and passed its checks; says what it holds. */
    private static int checked(VhostdConfig config, PrintStream out) {
        out.println("vhostd: config ok: ports=" + config.ports().size() + " dma=" + config.dma().size() + " bindings="
                + config.bindings().size() + " access-groups=" + config.accessGroups().size());
        return EXIT_OK;
    }

    private static int start(boolean demo, int demoSeconds, VhostdConfig config, PrintStream out, PrintStream err) {
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

    /** A picocli parse error in vhostd's words. */
    private static String problem(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            return "unknown argument: " + u.getUnmatched().getFirst();
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().getFirst() instanceof OptionSpec o) {
            return o.longestName() + " needs " + NEEDS.getOrDefault(o.longestName(), "a value");
        }
        return e.getMessage();
    }

    private static Path runtimeDir(String text) {
        Path dir = Path.of(text).toAbsolutePath().normalize();
        if (!RuntimeDir.fits(dir)) {
            throw new IllegalArgumentException("--runtime-dir " + dir + ": too long for a socket path");
        }
        return dir;
    }

    private static int seconds(String text) {
        if (text == null) {
            return 0;
        }
        if (!text.matches("\\d{1,6}")) {
            throw new IllegalArgumentException("--seconds needs a whole number");
        }
        return Integer.parseInt(text);
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

    private static int usage(PrintStream err, CommandLine cl, String problem) {
        err.println("vhostd: " + problem);
        err.print(cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
        err.flush();
        return EXIT_CONFIG;
    }
}
