package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * {@code socket-mode}: a quoted octal string such as {@code "0600"} or {@code "0660"}. Only permission
 * bits are allowed, at most the widest mode of the key ({@code 0660} for port sockets and the
 * management socket: never every local user; {@code 0666} for the read-only management socket), and
 * owner read and write (0600) are required, since vhostd itself must be able to use the socket. Unquoted YAML numbers are refused: YAML reads {@code 0600} as the
 * octal number 384 and {@code 600} as decimal 600, and either way the author's intent is lost.
 */
final class SocketModes {

    private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");
    private static final int PERMISSION_BITS = 0777;
    private static final int OWNER_READ_WRITE = 0600;

    private SocketModes() {
    }

    /** The mode as an int, at most {@code max}, or {@code null} after recording a problem. */
    static Integer read(JsonNode node, ConfigPath path, int max, Problems problems) {
        if (node == null || !node.isTextual()) {
            problems.add(path, "must be a quoted octal string like \"0600\", got " + Nodes.describe(node));
            return null;
        }
        String text = node.textValue();
        if (!OCTAL.matcher(text).matches()) {
            problems.add(path, Nodes.quote(text) + " is not an octal mode like \"0600\"");
            return null;
        }
        int mode = Integer.parseInt(text, 8);
        if (mode > PERMISSION_BITS) {
            problems.add(path, Nodes.quote(text) + " has bits outside the permission bits 0777");
            return null;
        }
        if ((mode & OWNER_READ_WRITE) != OWNER_READ_WRITE) {
            problems.add(path, Nodes.quote(text) + " must include owner read and write (0600)");
            return null;
        }
        if ((mode & ~max) != 0) {
            problems.add(path, Nodes.quote(text) + " grants more than \"" + format(max) + "\" allows"
                    + ((max & 0006) == 0 ? " (only vhostd's user and a socket-group may connect)" : ""));
            return null;
        }
        return mode;
    }

    /** {@code mode} as a four-digit octal string, e.g. {@code 0600}. */
    static String format(int mode) {
        return String.format("%04o", mode);
    }
}
