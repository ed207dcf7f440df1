package io.vhostdma.backend.ctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code vhostctl}: the management client's entry point. {@link Cli} parses the command line
 * (picocli); global options ({@code --socket}, {@code --addr}, {@code --json}, {@code --help}) go
 * before the command or after it, {@code --token-file} before the command is the TCP management token
 * and after {@code join}, {@code leave} or {@code create-group} the group's. {@link Target} says which
 * endpoint it calls.
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
        CommandLine cl = Cli.parser(args);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return usage(err, e.getCommandLine(), Cli.problem(e));
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return EXIT_OK;
        }
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        if (command instanceof Cli.Completion) {
            out.print(Cli.Completion.script(cl));
            out.flush();
            return EXIT_OK;
        }
        if (!(command instanceof CtlCommand c)) {
            return usage(err, leaf.commandSpec().commandLine(), "no command given");
        }
        try {
            c.check();
            Cli g = (Cli) parsed.commandSpec().userObject();
            Secrets secrets = new Secrets(in);
            Target.Options options = new Target.Options(g.addr, g.socket, g.tokenFile != null ? g.tokenFile
                    : c.tcpTokenFile());
            Target t = Target.resolve(options, c.readOnly(), env, secrets);
            try (CtlClient client = new CtlClient(t)) {
                c.run(new CtlCommand.Session(client, new Output(out, g.json), secrets, out, err));
            }
            out.flush();
            return EXIT_OK;
        } catch (CtlException e) {
            out.flush();
            if (e.exitCode() == EXIT_USAGE) {
                return usage(err, leaf.commandSpec().commandLine(), e.getMessage().substring("vhostctl: ".length()));
            }
            err.println(e.getMessage());
            return e.exitCode();
        }
    }

    /** The problem and the usage of the command it is about, on stderr; exit code 2. */
    private static int usage(PrintStream err, CommandLine about, String problem) {
        err.println("vhostctl: " + problem);
        // vhostctl's own usage lists every command: the parser for one command knows only that one
        CommandLine usage = about.getParent() == null ? Cli.parser() : about;
        err.print(usage.getUsageMessage(CommandLine.Help.Ansi.OFF));
        err.flush();
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
