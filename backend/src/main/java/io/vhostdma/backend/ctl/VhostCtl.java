package io.vhostdma.backend.ctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vhostctl}: the management client's entry point. Global options ({@code --socket}, {@code --addr},
 * {@code --token-file}, {@code --json}, {@code --help}) come before the command, or after it unless the
 * command has an option of that name ({@code join … --token-file} is the group's token); the first
 * other word is the command. {@link Target} says which endpoint it calls. See {@link Usage#TEXT}.
 */
public final class VhostCtl {
    static final int EXIT_OK = 0;
    static final int EXIT_ERROR = 1;
    static final int EXIT_USAGE = 2;

    private VhostCtl() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err, System.getenv());
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command reading a {@code -} token from {@code System.in}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, System.in, out, err, env);
    }

    /** Runs one command; a token given as {@code -} is read from {@code in}. Returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        Globals g;
        try {
            g = Globals.parse(args);
        } catch (CtlException e) {
            return usage(err, e.getMessage().substring("vhostctl: ".length()));
        }
        if (g.help()) {
            out.println(Usage.TEXT);
            return EXIT_OK;
        }
        if (g.command().isEmpty()) {
            return usage(err, "no command given");
        }
        try {
            Command c = Command.parse(g.command());
            Secrets secrets = new Secrets(in);
            Target t = Target.resolve(g.target(), c.readOnly(), env, secrets);
            try (CtlClient client = new CtlClient(t)) {
                new Commands(client, new Output(out, g.json()), secrets).run(c);
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

    /** The global options and the command's words (a word the command has an option of is the command's). */
    private record Globals(Target.Options target, boolean json, boolean help, List<String> command) {
        static Globals parse(String[] args) {
            String[] target = new String[3]; // --addr, --socket, --token-file
            boolean json = false;
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                int slot = List.of("--addr", "--socket", "--token-file").indexOf(a);
                if (!rest.isEmpty() && Command.hasOption(rest.getFirst(), a)) {
                    rest.add(a);
                } else if (slot >= 0) {
                    if (i + 1 >= args.length) {
                        throw CtlException.usage(a + " needs a value");
                    }
                    target[slot] = args[++i];
                } else if (a.equals("--help") || a.equals("-h")) {
                    return new Globals(null, false, true, List.of());
                } else if (a.equals("--json")) {
                    json = true;
                } else {
                    rest.add(a);
                }
            }
            return new Globals(new Target.Options(target[0], target[1], target[2]), json, false, rest);
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
