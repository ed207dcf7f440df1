package io.vhostdma.examples.echo;

import io.vhostdma.config.Forwarding;
import io.vhostdma.config.HostPort;
import io.vhostdma.config.ManagementConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.config.VhostdConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code EchoMain [--socket-dir DIR] [--ports echo0,echo1] [--seconds N]}: runs an {@link EchoBackend}
 * with one vhost-user server socket per port ({@code DIR/<port>.sock}) until SIGINT/SIGTERM or for
 * {@code N} seconds, printing the echo counters every second and {@code echo: final ...} lines on exit.
 * Exit codes: 0 ok, 1 an echo pipeline failed, 2 usage error.
 */
public final class EchoMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final String USAGE = "usage: run-echo.sh [--socket-dir DIR] [--ports NAME,NAME...] [--seconds N]";

    private EchoMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "vhostd-echo-" + System.getProperty("user.name"));
        List<String> names = List.of("echo0");
        int seconds = 0;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println("echo: " + args[i] + " needs a value\n" + USAGE);
                return EXIT_USAGE;
            }
            switch (args[i]) {
                case "--socket-dir" -> dir = Path.of(args[++i]);
                case "--ports" -> names = List.of(args[++i].split(","));
                case "--seconds" -> {
                    if (!args[++i].matches("\\d{1,6}")) {
                        err.println("echo: --seconds needs a whole number: seconds=" + args[i] + "\n" + USAGE);
                        return EXIT_USAGE;
                    }
                    seconds = Integer.parseInt(args[i]);
                }
                default -> {
                    err.println("echo: unknown argument " + args[i] + "\n" + USAGE);
                    return EXIT_USAGE;
                }
            }
        }
        return serve(config(dir, names), seconds, out);
    }

    /**
     * The config object the example embeds: one server port per name (one queue pair, socket
     * {@code dir/<name>.sock}), one data-plane worker, {@code dir} as the runtime directory (the management
     * sockets), metrics on a free loopback port.
     */
    public static VhostdConfig config(Path dir, List<String> names) {
        List<PortConfig> ports = new ArrayList<>();
        for (String name : names) {
            ports.add(new PortConfig(name, dir.resolve(name + ".sock"), PortMode.SERVER, 1,
                    PortConfig.DEFAULT_SOCKET_MODE));
        }
        ManagementConfig management = ManagementConfig.metricsOn(new HostPort("127.0.0.1", 0));
        return new VhostdConfig(ports, 1, List.of(), Forwarding.SWITCH, management).withRuntimeDir(dir);
    }

    private static int serve(VhostdConfig config, int seconds, PrintStream out) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
        try (EchoBackend echo = EchoBackend.start(config)) {
            for (PortConfig p : config.ports()) {
                out.println("echo: serving port=" + p.name() + " socket=" + p.socket());
            }
            out.println("echo: ready");
            long end = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
            while (System.nanoTime() < end && echo.failure() == null && !stop.await(1, TimeUnit.SECONDS)) {
                out.println("echo: stats " + counters(echo));
            }
            for (String port : echo.ports()) {
                out.println("echo: final port=" + port + " echoed=" + echo.echoed(port) + " dropped=" + echo.dropped(port));
            }
            if (echo.failure() != null) {
                out.println("echo: pipeline failed: " + echo.failure());
                return EXIT_FAILED;
            }
            return EXIT_OK;
        }
    }

    private static String counters(EchoBackend echo) {
        StringBuilder sb = new StringBuilder();
        for (String port : echo.ports()) {
            sb.append(sb.isEmpty() ? "" : " ").append(port).append(".echoed=").append(echo.echoed(port))
                    .append(' ').append(port).append(".dropped=").append(echo.dropped(port));
        }
        return sb.toString();
    }
}
