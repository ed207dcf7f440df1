package io.vhostdma.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code workers} count and the optional {@code worker-cpus} pinning list. */
final class WorkersReader {

    static final int MAX_WORKERS = 64;
    /** Highest CPU number accepted; whether the CPU exists is checked when the worker is pinned. */
    static final int MAX_CPU = 4095;

    private WorkersReader() {
    }

    /** {@code workers}, or {@code null} after recording a problem. */
    static Integer readWorkers(JsonNode node, ConfigPath path, Problems problems) {
        return Nodes.intInRange(node, path, problems, 1, MAX_WORKERS);
    }

    /** {@code worker-cpus}: distinct CPU numbers, or {@code null} after recording a problem. */
    static List<Integer> readCpus(JsonNode node, ConfigPath path, Problems problems) {
        if (!Nodes.isList(node, path, problems)) {
            return null;
        }
        int before = problems.count();
        List<Integer> cpus = new ArrayList<>();
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            ConfigPath at = path.index(i);
            Integer cpu = Nodes.intInRange(node.get(i), at, problems, 0, MAX_CPU);
            if (cpu == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(cpu, i);
            if (first != null) {
                problems.add(at, "duplicate cpu " + cpu + " (also " + path.index(first) + ")");
            }
            cpus.add(cpu);
        }
        return problems.count() == before ? cpus : null;
    }

    /** Records a problem when a non-empty {@code worker-cpus} does not name one CPU per worker. */
    static void checkOnePerWorker(List<Integer> cpus, int workers, ConfigPath path, Problems problems) {
        if (!cpus.isEmpty() && cpus.size() != workers) {
            problems.add(path, cpus.size() + " cpus given for " + workers
                    + (workers == 1 ? " worker" : " workers") + " (need one per worker, or none)");
        }
    }
}
