package io.vhostdma.vhost.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The fds this process has open before a fuzz input and after it: the two must be the same set of
 * fd numbers, or the input leaked (or closed someone else's) fds. The JVM itself may open an fd for
 * a moment (a jar while loading a class), so a difference is re-read a few times before it counts.
 * Only the numbers are compared (reading every link would slow fuzzing down); a failure names what
 * the differing fds are.
 */
final class FdLeakCheck {
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    private final java.util.Set<Integer> before;

    private FdLeakCheck(java.util.Set<Integer> before) {
        this.before = before;
    }

    /** Records the fds open now. */
    static FdLeakCheck begin() {
        return new FdLeakCheck(openFds());
    }

    /** Throws {@link AssertionError} naming every fd opened or closed since {@link #begin()}. */
    void assertNoLeak(String what) {
        java.util.Set<Integer> after = openFds();
        for (int retry = 0; retry < 3 && !after.equals(before); retry++) {
            sleepBriefly();
            after = openFds();
        }
        if (!after.equals(before)) {
            Map<Integer, String> opened = new TreeMap<>();
            after.stream().filter(fd -> !before.contains(fd)).forEach(fd -> opened.put(fd, link(fd)));
            java.util.Set<Integer> closed = new java.util.TreeSet<>(before);
            closed.removeAll(after);
            throw new AssertionError("fd leak after " + what + ": opened=" + opened + " closed=" + closed);
        }
    }

    private static java.util.Set<Integer> openFds() {
        java.util.Set<Integer> fds = new java.util.HashSet<>();
        try (Stream<Path> s = Files.list(PROC_FDS)) {
            s.forEach(p -> fds.add(Integer.parseInt(p.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PROC_FDS, e);
        }
        return fds;
    }

    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(PROC_FDS.resolve(Integer.toString(fd))).toString();
        } catch (IOException e) {
            return "(gone)";
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
