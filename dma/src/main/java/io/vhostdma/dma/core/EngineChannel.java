package io.vhostdma.dma.core;

/**
 * What an engine sees of one channel: its ring (descriptors and shared counters), the executor that
 * performs an op with all checks, and the gate the executing thread enters around each batch.
 *
 * @param id       channel number
 * @param ring     the descriptor ring
 * @param executor performs ops; {@link OpExecutor#executeRange} also publishes {@code done}
 * @param gate     the quiescence gate
 * @param counters the channel's counters
 */
public record EngineChannel(int id, DescriptorRing ring, OpExecutor executor, ExecutionGate gate,
                            ChannelCounters counters) {
}
