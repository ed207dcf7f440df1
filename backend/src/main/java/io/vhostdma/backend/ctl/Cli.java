package io.vhostdma.backend.ctl;

import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * vhostctl's command line (picocli): the global options, the commands, the usage text and the bash
 * completion picocli generates from them. Picocli's parse errors are reworded here into vhostctl's
 * messages ({@code bind: expected 3 argument(s), got 1}, {@code unknown command: x}).
 */
@Command(name = "vhostctl", synopsisHeading = "usage: ", customSynopsis = "vhostctl [--socket PATH | --addr HOST:PORT"
        + " [--token-file FILE|-]] [--json] COMMAND [ARGS]",
        commandListHeading = "commands:%n", optionListHeading = "options:%n", usageHelpWidth = 110, sortOptions = false,
        footer = {"tokens are never taken on the command line (other users see it in ps): FILE, or - for stdin",
            "exit codes: 0 ok, 1 error (refused by vhostd, or vhostd unreachable), 2 usage"})
final class Cli {
    /** The commands, in the order the usage text lists them. */
    static final List<Class<?>> COMMANDS = List.of(ViewCommands.Status.class, ViewCommands.Ports.class,
            ViewCommands.Port.class, ViewCommands.Queues.class, ViewCommands.Stats.class, ViewCommands.Dma.class,
            ChangeCommands.BindQueue.class, ChangeCommands.UnbindQueue.class, ViewCommands.Groups.class,
            ChangeCommands.JoinGroup.class, ChangeCommands.LeaveGroup.class, ChangeCommands.NewGroup.class,
            ChangeCommands.NewPort.class, ChangeCommands.DropPort.class, ViewCommands.Events.class,
            CaptureCommand.class, HealthCheck.class, ConfigCommands.Config.class, Cli.Completion.class);
    /** Global options that take a value (the word after them is not the command). */
    private static final List<String> VALUED = List.of("--socket", "--addr", "--token-file");

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT, description = "vhostd's"
            + " management socket (default $VHOSTCTL_SOCKET, else vhostd.sock in the runtime dir: $RUNTIME_DIRECTORY,"
            + " $XDG_RUNTIME_DIR/vhostd or /tmp/vhostd-UID; read commands use vhostd-ro.sock there when only that one"
            + " is accessible)")
    String socket;
    @Option(names = "--addr", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "vhostd's TCP endpoint (management.grpc) instead of a socket")
    String addr;
    @Option(names = "--token-file", paramLabel = "FILE",
            description = "with --addr: the management token (- reads stdin); reads work without it")
    String tokenFile;
    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "machine-readable JSON (events and stats --watch: one JSON value per line)")
    boolean json;
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "this text")
    boolean help;

    /** A parser for one run with every command (picocli keeps parsed values in the command objects). */
    static CommandLine parser() {
        return parser(COMMANDS);
    }

    /**
     * A parser for {@code args}: with only the command they name when they name one (picocli builds a
     * command's model by reflection, a good part of vhostctl's start-up), else with every command (for
     * the usage text, its errors and the completion script).
     */
    static CommandLine parser(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                for (Class<?> c : COMMANDS) {
                    if (c != Completion.class && c.getAnnotation(Command.class).name().equals(a)) {
                        return parser(List.of(c));
                    }
                }
                break;
            }
        }
        return parser();
    }

    private static CommandLine parser(List<Class<?>> commands) {
        CommandLine cl = new CommandLine(new Cli());
        for (Class<?> c : commands) {
            cl.addSubcommand(c);
        }
        cl.setExpandAtFiles(false); // "@name" is a port or a file name, never an argument file
        cl.setOverwrittenOptionsAllowed(true); // the last one wins, as it always did
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Cli::commandList);
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().synopsisHeading("usage: ").abbreviateSynopsis(true).sortOptions(false)
                    .width(110);
        }
        return cl;
    }

    /** {@code vhostctl generate-completion}: the bash completion script picocli makes from this command line. */
    @Command(name = "generate-completion", hidden = true, description = "print the bash completion script")
    static final class Completion {
        /** The script, for the command line {@code root}. */
        static String script(CommandLine root) {
            return AutoComplete.bash("vhostctl", root);
        }
    }

    /** The command list of the usage text: each command with its arguments and own options, and what it does. */
    private static String commandList(CommandLine.Help help) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine sub : help.commandSpec().commandLine().getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder(spec.name());
            for (PositionalParamSpec p : positionals(spec)) {
                line.append(' ').append(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
            }
            for (OptionSpec o : spec.options()) {
                if (!o.inherited() && !o.hidden() && !o.usageHelp()) {
                    String value = o.arity().max() == 0 ? "" : o.arity().min() == 0 ? " [" + o.paramLabel() + "]"
                            : " " + o.paramLabel();
                    boolean needed = sub.getCommand() instanceof CtlCommand c
                            && c.requiredOptions().contains(o.longestName()); // checked by the command, not by picocli
                    line.append(needed ? " " : " [").append(o.longestName()).append(value).append(needed ? "" : "]");
                }
            }
            String what = String.join(" ", spec.usageMessage().description());
            sb.append(line.length() < 40 ? String.format("  %-40s%s%n", line, what)
                    : String.format("  %s%n  %-40s%s%n", line, "", what));
        }
        return sb.toString();
    }

    /** The command's name as messages use it. */
    static String name(Object command) {
        Command c = command.getClass().getAnnotation(Command.class);
        return c == null ? "vhostctl" : c.name();
    }

    /** Fails with {@code COMMAND: OPTION must be a positive whole number: VALUE} unless absent or positive. */
    static void positive(String command, String option, String value) {
        if (value != null && (!value.matches("\\d{1,9}") || Integer.parseInt(value) < 1)) {
            throw CtlException.usage(command + ": " + option + " must be a positive whole number: " + value);
        }
    }

    /** A picocli parse error in vhostctl's words. */
    static String problem(CommandLine.ParameterException e) {
        CommandLine at = e.getCommandLine();
        boolean root = at.getParent() == null;
        String prefix = root ? "" : at.getCommandName() + ": ";
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            String first = u.getUnmatched().getFirst();
            if (root) {
                return "unknown command: " + first;
            }
            if (first.startsWith("-")) {
                return prefix + "unknown option: " + first;
            }
            return count(at.getCommandSpec(), matched(at)
                    + (int) u.getUnmatched().stream().filter(w -> !w.startsWith("-")).count());
        }
        if (e instanceof CommandLine.MissingParameterException m) {
            List<ArgSpec> missing = m.getMissing();
            if (!missing.isEmpty() && missing.getFirst() instanceof OptionSpec o) {
                return (o.inherited() || root ? "" : prefix) + o.longestName() + " needs a value";
            }
            return count(at.getCommandSpec(), matched(at));
        }
        return prefix + e.getMessage();
    }

    /** The argument-count problem of a command given {@code got} positional arguments. */
    private static String count(CommandSpec spec, int got) {
        List<PositionalParamSpec> p = positionals(spec);
        int max = p.size();
        int min = (int) p.stream().filter(a -> a.arity().min() > 0).count();
        if (spec.findOption("--token-file") != null && !spec.findOption("--token-file").hidden() && got == max + 1) {
            return spec.name() + ": a token is never taken as an argument (every local user can read the command"
                    + " line); give --token-file FILE, or --token-file - to read it from stdin";
        }
        return spec.name() + ": expected " + (min == max ? min : min + ".." + max) + " argument(s), got " + got;
    }

    /** Positional arguments the command took before the parse failed. */
    private static int matched(CommandLine at) {
        return at.getParseResult() == null ? 0 : at.getParseResult().matchedPositionals().size();
    }

    private static List<PositionalParamSpec> positionals(CommandSpec spec) {
        return spec.positionalParameters().stream().filter(p -> !p.inherited()).toList();
    }
}
