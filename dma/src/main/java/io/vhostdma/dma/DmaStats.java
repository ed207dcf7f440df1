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
 */
public record DmaStats(long submitted, long completed, long errors, List<PairBytes> bytes) {
    /**
     * Bytes moved from one domain to another.
     *
     * @param srcHandle source domain handle (slot)
     * @param dstHandle destination domain handle (slot)
     * @param bytes     bytes moved
     */
    public record PairBytes(int srcHandle, int dstHandle, long bytes) {
    }

    static DmaStats of(ChannelCounters c) {
        List<PairBytes> pairs = new ArrayList<>();
        for (int s = 0; s < ChannelCounters.PAIR_SLOTS; s++) {
            for (int d = 0; d < ChannelCounters.PAIR_SLOTS; d++) {
                long b = c.bytes(s, d);
                if (b != 0) {
                    pairs.add(new PairBytes(s, d, b));
                }
            }
        }
        return new DmaStats(c.submitted(), c.completed(), c.errors(), List.copyOf(pairs));
    }

    static DmaStats sum(List<DmaStats> all) {
        long sub = 0;
        long comp = 0;
        long err = 0;
        long[] table = new long[ChannelCounters.PAIR_SLOTS * ChannelCounters.PAIR_SLOTS];
        for (DmaStats s : all) {
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
        return new DmaStats(sub, comp, err, List.copyOf(pairs));
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
}
