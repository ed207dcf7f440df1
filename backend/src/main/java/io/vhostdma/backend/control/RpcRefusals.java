package io.vhostdma.backend.control;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Management calls refused because the endpoint they arrived on does not allow them (a mutating RPC
 * on the read-only socket, or over TCP without the management token), by RPC name. The caller keeps
 * the label set bounded (known RPC names, else one catch-all). Thread-safe.
 */
public final class RpcRefusals {
    private final Map<String, LongAdder> byRpc = new ConcurrentHashMap<>();

    /** Counts one refused call of {@code rpc}. */
    public void record(String rpc) {
        byRpc.computeIfAbsent(rpc, k -> new LongAdder()).increment();
    }

    /** Refusals so far by RPC name, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        byRpc.forEach((rpc, n) -> out.put(rpc, n.sum()));
        return out;
    }

    /** Refusals so far, all RPCs together. */
    public long total() {
        long sum = 0;
        for (LongAdder n : byRpc.values()) {
            sum += n.sum();
        }
        return sum;
    }
}
