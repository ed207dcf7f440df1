package io.vhostdma.vhost.agent;

import io.vhostdma.vhost.internal.sys.Affinity;

/** Pins an agent's thread to a CPU ({@code sched_setaffinity}). Control plane: called once as the thread starts. */
public final class CpuAffinity {
    private CpuAffinity() {
    }

    /**
     * Pins the calling thread to {@code cpu} (0..1023).
     *
     * @throws IllegalArgumentException for a cpu out of range
     * @throws RuntimeException         naming {@code sched_setaffinity} and its errno (a CPU this process may not use)
     */
    public static void pinCurrentThread(int cpu) {
        Affinity.pinCurrentThread(cpu);
    }
}
