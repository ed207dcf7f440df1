package io.vhostdma.backend.sockets;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One directory vhostd creates sockets in, and who must be able to reach them. The directory rule
 * (design.md §7): a missing directory is created {@code 0700}, {@code 0750} (given to the group) when
 * one group must reach its sockets, {@code 0711} when several groups or every user must (search only:
 * the socket files' modes decide who connects); an existing one must be a directory (not a symbolic
 * link) owned by vhostd's uid that neither group nor others may write, else vhostd refuses to use it
 * ({@link EnvironmentException}). An existing directory's mode is never changed; when it keeps a group
 * that a socket is meant for from reaching it, a warning says so.
 */
final class SocketDir {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.sockets");
    /** Stands for vhostd's own group in {@link #groups}. */
    static final String OWN_GROUP = "";

    final Path dir;
    /** The config key that first named the directory, for messages ({@code runtime-dir}, {@code ports[1].socket}). */
    final String key;
    final Set<String> groups = new LinkedHashSet<>();
    boolean others;

    SocketDir(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    /**
     * Records a socket of mode {@code mode} and group {@code group} (null = vhostd's) in this directory:
     * connecting needs write permission, so a group or others with the write bit must reach it.
     */
    void socket(int mode, String group) {
        if ((mode & 0020) != 0) {
            groups.add(group == null ? OWN_GROUP : group);
        }
        if ((mode & 0002) != 0) {
            others = true;
        }
    }

    /** The mode a missing directory is created with. */
    int createMode() {
        if (others || groups.size() > 1) {
            return 0711;
        }
        return groups.isEmpty() ? 0700 : 0750;
    }

    /**
     * Creates the directory (and missing parents, with the same mode) or checks the existing one.
     *
     * @return the directories created, deepest last
     * @throws EnvironmentException when an existing directory breaks the rule or one cannot be created
     */
    List<Path> prepare(int uid) {
        List<Path> created = new ArrayList<>();
        try {
            createMissing(dir, uid, created);
        } catch (IOException e) {
            throw new EnvironmentException(key + ": cannot create " + dir + ": " + e, e);
        }
        check(uid);
        return created;
    }

    private void createMissing(Path d, int uid, List<Path> created) throws IOException {
        if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path parent = d.getParent();
        if (parent != null) {
            createMissing(parent, uid, created);
        }
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            return; // someone else made it meanwhile: check() judges it
        }
        created.add(d);
        PosixFileAttributeView view = Files.getFileAttributeView(d, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        String group = groups.size() == 1 && !others ? groups.iterator().next() : OWN_GROUP;
        if (!group.equals(OWN_GROUP)) {
            view.setGroup(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group));
        }
        view.setPermissions(PosixFilePermissions.fromString(permissions(createMode())));
    }

    /** Checks the existing directory: a real directory, owned by {@code uid}, writable by its owner only. */
    void check(int uid) {
        PosixFileAttributes a;
        int owner;
        try {
            a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new EnvironmentException(key + ": " + dir + " does not exist");
        } catch (IOException e) {
            throw new EnvironmentException(key + ": cannot inspect " + dir + ": " + e, e);
        }
        if (a.isSymbolicLink()) {
            throw new EnvironmentException(key + ": " + dir + " is a symbolic link (want a directory owned by uid=" + uid
                    + ")");
        }
        if (!a.isDirectory()) {
            throw new EnvironmentException(key + ": " + dir + " is not a directory");
        }
        if (owner != uid) {
            throw new EnvironmentException(key + ": " + dir + " is owned by uid=" + owner + " (want " + uid + ")");
        }
        int mode = mode(a);
        if ((mode & 0022) != 0) {
            throw new EnvironmentException(key + ": " + dir + " is writable by group or others (mode "
                    + String.format("%04o", mode) + "; want at most 0755)");
        }
        warnIfUnreachable(a, mode);
    }

    private void warnIfUnreachable(PosixFileAttributes a, int mode) {
        for (String g : groups) {
            boolean own = g.equals(OWN_GROUP) || g.equals(a.group().getName());
            if ((mode & (own ? 0011 : 0001)) == 0) {
                LOG.log(System.Logger.Level.WARNING, key + ": " + dir + " (mode " + String.format("%04o", mode)
                        + ") keeps group " + (g.equals(OWN_GROUP) ? a.group().getName() : g) + " from reaching its sockets");
            }
        }
        if (others && (mode & 0001) == 0) {
            LOG.log(System.Logger.Level.WARNING, key + ": " + dir + " (mode " + String.format("%04o", mode)
                    + ") keeps other users from reaching its sockets");
        }
    }

    private static int mode(PosixFileAttributes a) {
        String p = PosixFilePermissions.toString(a.permissions());
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            mode = (mode << 1) | (p.charAt(i) == '-' ? 0 : 1);
        }
        return mode;
    }

    private static String permissions(int mode) {
        StringBuilder s = new StringBuilder();
        for (int i = 8; i >= 0; i--) {
            s.append((mode & (1 << i)) == 0 ? '-' : "rwx".charAt((8 - i) % 3));
        }
        return s.toString();
    }
}
