package io.vhostdma.backend.control;

/**
 * One data-plane worker.
 *
 * @param id         index
 * @param cpu        CPU it is pinned to, or -1
 * @param rings      rings it serves
 * @param packets    packets it moved
 * @param busyCycles duty cycles that moved something
 * @param idleCycles duty cycles that found nothing
 * @param sleeps     times it slept on its eventfds
 * @param busyRatio  busyCycles / (busyCycles + idleCycles), 0 before the first cycle
 */
public record WorkerView(int id, int cpu, int rings, long packets, long busyCycles, long idleCycles, long sleeps,
                         double busyRatio) {
}
