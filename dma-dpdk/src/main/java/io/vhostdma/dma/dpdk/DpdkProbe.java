package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The probe process: starts the EAL with the arguments vhostd is about to use (in a JVM of its own, with
 * a file prefix of its own), lists the dmadevs and exits. A DPDK that cannot start here, or that aborts
 * ({@code rte_panic}, {@code exit}), ends this process instead of vhostd, which then reports a config
 * error with this output. Output lines: {@code probe: dmadev ...} per device, then {@code probe: ok}, or
 * {@code probe: failed: <reason>} (exit 1; exit 3 when the libraries are missing).
 */
public final class DpdkProbe {
    private DpdkProbe() {
    }

    /** @param argv the EAL's argv, program name first */
    public static void main(String[] argv) {
        DpdkLibrary lib;
        try {
            lib = DpdkLibrary.load();
        } catch (io.vhostdma.dma.DmaException e) {
            System.out.println("probe: failed: " + e.getMessage());
            System.exit(3);
            return;
        }
        int r = init(lib, List.of(argv));
        if (r < 0) {
            int errno = lib.eal.find("per_lcore__rte_errno").orElseThrow().reinterpret(4).get(JAVA_INT, 0);
            System.out.println("probe: failed: rte_eal_init returned " + r + ": " + lib.strerror(errno));
            System.exit(1);
        }
        DpdkRuntime.removeEmptyRuntimeDir(lib);
        for (DeviceInfo d : DeviceInfo.all(lib)) {
            System.out.println("probe: " + d.describe());
        }
        System.out.println("probe: ok");
        System.out.flush();
        System.exit(0);
    }

    /**
     * Calls {@code rte_eal_init} with {@code argv} (kept in global memory: the EAL may keep pointers).
     *
     * @return its result (the number of arguments parsed, or -1)
     */
    static int init(DpdkLibrary lib, List<String> argv) {
        Arena arena = Arena.global();
        MemorySegment array = arena.allocate(ADDRESS, argv.size() + 1L);
        for (int i = 0; i < argv.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
        }
        array.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        try {
            return (int) lib.ealInit.invokeExact(argv.size(), array);
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }
}
