package io.vhostdma.backend.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Tokens vhostctl sends (a group's token, the TCP management token), read from a file or, for
 * {@code -}, from standard input — never from the command line, where every local user sees them.
 * Trailing whitespace (the final newline) is removed; an empty or over-{@value #MAX_BYTES}-byte token is
 * refused.
 */
final class Secrets {
    static final int MAX_BYTES = 4096;
    private final InputStream stdin;
    private boolean stdinUsed;

    Secrets(InputStream stdin) {
        this.stdin = stdin;
    }

    /** The token in file {@code source}, or on standard input when it is {@code -} (at most once). */
    String read(String source) {
        byte[] bytes = source.equals("-") ? fromStdin() : fromFile(source);
        if (bytes.length > MAX_BYTES) {
            throw failure(source, "larger than " + MAX_BYTES + " bytes");
        }
        String token = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
        if (token.isEmpty()) {
            throw failure(source, "it is empty");
        }
        return token;
    }

    private byte[] fromStdin() {
        if (stdinUsed) {
            throw CtlException.usage("only one token can come from stdin (-)");
        }
        stdinUsed = true;
        try {
            return stdin.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw failure("-", String.valueOf(e.getMessage()));
        }
    }

    private static byte[] fromFile(String source) {
        try {
            Path file = Path.of(source);
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
                throw failure(source, "larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw failure(source, "no such file");
        } catch (IOException | InvalidPathException e) {
            throw failure(source, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static CtlException failure(String source, String reason) {
        return new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: cannot read token " + (source.equals("-") ? "from stdin"
                : "file " + source) + ": " + reason);
    }
}
