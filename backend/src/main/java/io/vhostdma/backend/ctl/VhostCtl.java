package io.vhostdma.backend.ctl;

import io.vhostdma.config.ManagementConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vhostctl}: the management client's entry point. Global options ({@code --addr}, {@code --json},
 * {@code --help}) may appear anywhere; the first other word is the command. See {@link Usage#TEXT}.
 */
public final class VhostCtl {
    static final int EXIT_OK = 0;
    static final int EXIT_ERROR = 1;
    static final int EXIT_USAGE = 2;

    private VhostCtl() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv());
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        String addr = env.getOrDefault("VHOSTCTL_ADDR", ManagementConfig.DEFAULT_GRPC.toString());
        boolean json = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.println(Usage.TEXT);
                    return EXIT_OK;
                }
                case "--json" -> json = true;
                case "--addr" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, "--addr needs HOST:PORT");
                    }
                    addr = args[++i];
                }
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            return usage(err, "no command given");
        }
        try {
            Address a = Address.parse(addr);
            Command c = Command.parse(rest);
            try (CtlClient client = new CtlClient(a.host(), a.port())) {
                new Commands(client, new Output(out, json)).run(c);
            }
            out.flush();
            return EXIT_OK;
        } catch (CtlException e) {
            out.flush();
            if (e.exitCode() == EXIT_USAGE) {
                return usage(err, e.getMessage().substring("vhostctl: ".length()));
            }
            err.println(e.getMessage());
            return e.exitCode();
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("vhostctl: " + problem);
        err.println(Usage.TEXT);
        return EXIT_USAGE;
    }

    /** A parsed {@code HOST:PORT} ({@code [v6]:PORT}). */
    record Address(String host, int port) {
        static Address parse(String text) {
            int colon = text.lastIndexOf(':');
            boolean bracketed = text.startsWith("[") && colon > 0 && text.charAt(colon - 1) == ']';
            String host = bracketed ? text.substring(1, colon - 1) : colon > 0 ? text.substring(0, colon) : "";
            String port = colon > 0 ? text.substring(colon + 1) : "";
            if (host.isEmpty() || (!bracketed && host.indexOf(':') >= 0) || !port.matches("\\d{1,5}")
                    || Integer.parseInt(port) > 65_535) {
                throw CtlException.usage("--addr must be HOST:PORT ([::1]:PORT for IPv6): " + text);
            }
            return new Address(host, Integer.parseInt(port));
        }
    }
}
