package io.vhostdma.dma;

import io.vhostdma.dma.core.ChannelCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of channel or device statistics.
 *
 * @param submitted ops made visible to the engine by {@code submit()}
 * @param completed ops reaped by {@code completed()/completedStatus()}, failed ones included
 * @param errors    failed ops reaped
 * @param bytes     bytes moved per source/destination domain-handle pair (non-zero pairs only; handles
 *                  at or above {@link ChannelCounters#PAIR_SLOTS}{@code - 1} share the last slot)
 * @param engine    the engine's own counters (a device's statistics, e.g. {@code dpdk.completed}), in
 *                  the engine's order; empty for engines without any. Summed by name over channels.
 */
public record DmaStats(long submitted, long completed, long errors, List<PairBytes> bytes,
                       List<EngineCounter> engine) {
    /** Copies the lists. */
    public DmaStats {
        bytes = List.copyOf(bytes);
        engine = List.copyOf(engine);
    }

    /** Statistics without engine counters. */
    public DmaStats(long submitted, long completed, long errors, List<PairBytes> bytes) {
        this(submitted, completed, errors, bytes, List.of());
    }

    /**
     * One counter kept by the engine itself.
     *
     * @param name  {@code <engine>.<counter>}, e.g. {@code dpdk.submitted}
     * @param value its value
     */
    public record EngineCounter(String name, long value) {
    }

    /**
     * Bytes moved from one domain to another.
     *
     * @param srcHandle source domain handle (slot)
     * @param dstHandle destination domain handle (slot)
     * @param bytes     bytes moved
     */
    public record PairBytes(int srcHandle, int dstHandle, long bytes) {
    }

    static DmaStats of(ChannelCounters c, List<EngineCounter> engine) {
        List<PairBytes> pairs = new ArrayList<>();
        for (int s = 0; s < ChannelCounters.PAIR_SLOTS; s++) {
            for (int d = 0; d < ChannelCounters.PAIR_SLOTS; d++) {
                long b = c.bytes(s, d);
                if (b != 0) {
                    pairs.add(new PairBytes(s, d, b));
                }
            }
        }
        return new DmaStats(c.submitted(), c.completed(), c.errors(), pairs, engine);
    }

    static DmaStats sum(List<DmaStats> all) {
        long sub = 0;
        long comp = 0;
        long err = 0;
        long[] table = new long[ChannelCounters.PAIR_SLOTS * ChannelCounters.PAIR_SLOTS];
        java.util.Map<String, Long> engine = new java.util.LinkedHashMap<>();
        for (DmaStats s : all) {
            for (EngineCounter e : s.engine) {
                engine.merge(e.name(), e.value(), Long::sum);
            }
            sub += s.submitted;
            comp += s.completed;
            err += s.errors;
            for (PairBytes p : s.bytes) {
                table[p.srcHandle * ChannelCounters.PAIR_SLOTS + p.dstHandle] += p.bytes;
            }
        }
        List<PairBytes> pairs = new ArrayList<>();
        for (int i = 0; i < table.length; i++) {
            if (table[i] != 0) {
                pairs.add(new PairBytes(i / ChannelCounters.PAIR_SLOTS, i % ChannelCounters.PAIR_SLOTS, table[i]));
            }
        }
        List<EngineCounter> counters = new ArrayList<>();
        engine.forEach((name, value) -> counters.add(new EngineCounter(name, value)));
        return new DmaStats(sub, comp, err, pairs, counters);
    }

    /**
     * @param srcHandle source domain handle
     * @param dstHandle destination domain handle
     * @return bytes moved between them
     */
    public long bytes(int srcHandle, int dstHandle) {
        int s = ChannelCounters.slot(srcHandle);
        int d = ChannelCounters.slot(dstHandle);
        for (PairBytes p : bytes) {
            if (p.srcHandle == s && p.dstHandle == d) {
                return p.bytes;
            }
        }
        return 0;
    }

    /**
     * @param name an engine counter name
     * @return its value, or -1 when the engine has no such counter
     */
    public long engineCounter(String name) {
        for (EngineCounter e : engine) {
            if (e.name().equals(name)) {
                return e.value();
            }
        }
        return -1;
    }
}
