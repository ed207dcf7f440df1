package io.vhostdma.vhost.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The fds this process has open before a fuzz input and after it: the two must be the same set, or
 * the input leaked (or closed someone else's) fds. The JVM itself may open an fd for a moment (a jar
 * while loading a class), so a difference is re-read a few times before it counts.
 */
final class FdLeakCheck {
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    private final Map<Integer, String> before;

    private FdLeakCheck(Map<Integer, String> before) {
        this.before = before;
    }

    /** Records the fds open now. */
    static FdLeakCheck begin() {
        return new FdLeakCheck(openFds());
    }

    /** Throws {@link AssertionError} naming every fd opened or closed since {@link #begin()}. */
    void assertNoLeak(String what) {
        Map<Integer, String> after = openFds();
        for (int retry = 0; retry < 3 && !after.equals(before); retry++) {
            sleepBriefly();
            after = openFds();
        }
        if (!after.equals(before)) {
            Map<Integer, String> opened = new TreeMap<>(after);
            opened.keySet().removeAll(before.keySet());
            Map<Integer, String> closed = new TreeMap<>(before);
            closed.keySet().removeAll(after.keySet());
            throw new AssertionError("fd leak after " + what + ": opened=" + opened + " closed=" + closed);
        }
    }

    private static Map<Integer, String> openFds() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> s = Files.list(PROC_FDS)) {
            s.forEach(p -> {
                try {
                    fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // the listing's own fd is gone by now: not one of ours
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PROC_FDS, e);
        }
        return fds;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
