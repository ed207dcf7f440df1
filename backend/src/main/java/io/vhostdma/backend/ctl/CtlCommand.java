package io.vhostdma.backend.ctl;

import picocli.CommandLine.Option;

/**
 * One vhostctl command (a picocli subcommand of {@link Cli}): whether it only reads (then it may use
 * the read-only socket), the checks of its arguments picocli does not make, and what it does once
 * connected.
 */
interface CtlCommand {
    /** Whether the command only reads. */
    boolean readOnly();

    /** Checks the arguments before anything is read or sent; throws a usage {@link CtlException}. */
    default void check() {
    }

    /** The TCP management token's file given after the command, or {@code null}. */
    default String tcpTokenFile() {
        return null;
    }

    /** Options the command cannot do without (its usage line shows them without brackets; {@link #check} checks). */
    default java.util.List<String> requiredOptions() {
        return java.util.List.of();
    }

    /** Runs the command against a connected client. */
    void run(Session s);

    /**
     * What a command works with.
     *
     * @param client  the connected client
     * @param out     where it prints
     * @param secrets where tokens are read from
     * @param stdout  standard output as bytes (a pcap written to {@code -})
     * @param stderr  standard error (notes that must not mix with the output)
     */
    record Session(CtlClient client, Output out, Secrets secrets, java.io.PrintStream stdout,
                   java.io.PrintStream stderr) {
    }

    /**
     * A command with no {@code --token-file} of its own: given after the command, the option is the
     * TCP management token, as before it.
     */
    abstract class WithoutToken implements CtlCommand {
        @Option(names = "--token-file", paramLabel = "FILE", hidden = true)
        String tcpTokenFile;

        @Override
        public String tcpTokenFile() {
            return tcpTokenFile;
        }
    }

    /** A command that sends a group's token: {@code --token-file FILE|-} after the command, never argv. */
    abstract class WithGroupToken implements CtlCommand {
        @Option(names = "--token-file", paramLabel = "FILE|-", description = "the group's token: a file, or - for stdin")
        String tokenFile;

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public java.util.List<String> requiredOptions() {
            return java.util.List.of("--token-file");
        }

        @Override
        public void check() {
            if (tokenFile == null) {
                throw CtlException.usage(Cli.name(this) + ": the group's token is required: --token-file FILE"
                        + " (or - for stdin)");
            }
        }

        /** The group's token, read from the file or stdin. */
        String token(Session s) {
            return s.secrets().read(tokenFile);
        }
    }
}
