package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.regex.Pattern;

/**
 * {@code socket-group}: the group a socket file is given so that its members may connect (with a
 * socket mode that grants the group read and write, e.g. {@code "0660"}). The group must exist when
 * the config is loaded; vhostd must be root or a member of it to hand a socket to it.
 */
final class SocketGroups {

    private static final Pattern GROUP = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    private static final int GROUP_READ_WRITE = 0060;

    private SocketGroups() {
    }

    /**
     * The group name in {@code node}, or {@code null} after recording a problem; {@code mode} is the
     * socket's mode (null when it had a problem of its own).
     */
    static String read(JsonNode node, ConfigPath path, Integer mode, Problems problems) {
        String name = Nodes.string(node, path, problems);
        if (name == null) {
            return null;
        }
        if (!GROUP.matcher(name).matches()) {
            problems.add(path, Nodes.quote(name) + " is not a group name");
            return null;
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            problems.add(path, "no such group " + name);
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            problems.add(path, "cannot look up group " + name + ": " + e.getMessage());
            return null;
        }
        if (mode != null && (mode & GROUP_READ_WRITE) != GROUP_READ_WRITE) {
            problems.add(path, "group " + name + " cannot connect with socket-mode \"" + SocketModes.format(mode)
                    + "\" (give the group read and write, e.g. \"0660\")");
            return null;
        }
        return name;
    }
}
