package io.vhostdma.dma.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.dma.Rig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Starting the EAL inside the JVM pins no JVM thread: {@code rte_eal_init} sets its calling thread's
 * affinity to the main lcore's CPUs, which vhostd maps to every CPU the JVM may use, and the control
 * thread's affinity is put back anyway. A JVM of its own (surefire forks one per test class), in which no
 * EAL ran before this test.
 */
class DpdkAffinityTest {
    @Test
    void shouldLeaveEveryThreadsAffinityAsItWasWhenTheEalStarts() throws IOException {
        Map<String, String> before = affinities();
        String processCpus = before.get(String.valueOf(ProcessHandle.current().pid()));
        try (Rig rig = new Rig("dpdk")) {
            assertTrue(rig.device.info().maxChannels() >= 1);
            Map<String, String> after = affinities();
            for (Map.Entry<String, String> e : before.entrySet()) {
                if (after.containsKey(e.getKey())) {
                    assertEquals(e.getValue(), after.get(e.getKey()), "thread " + e.getKey() + " (" + comm(e.getKey())
                        + ") changed affinity");
                }
            }
            for (Map.Entry<String, String> e : after.entrySet()) {
                if (!before.containsKey(e.getKey())) { // DPDK's threads and the control thread: as free as the JVM
                    assertEquals(processCpus, e.getValue(), "new thread " + comm(e.getKey()) + " is pinned");
                }
            }
            assertTrue(after.size() > before.size(), "the EAL and the skeleton dmadev started threads");
        }
    }

    /** tid → Cpus_allowed_list of every thread of this process. */
    private static Map<String, String> affinities() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("Cpus_allowed_list:")) {
                            out.put(t.getFileName().toString(), line.substring(18).trim());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return out;
    }

    private static String comm(String tid) {
        try {
            return Files.readString(Path.of("/proc/self/task", tid, "comm")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
