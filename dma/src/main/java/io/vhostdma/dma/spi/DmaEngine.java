package io.vhostdma.dma.spi;

import io.vhostdma.dma.core.EngineChannel;
import java.util.List;

/**
 * One device's engine: what executes the descriptors the channels enqueue. Created by a
 * {@link DmaEngineProvider}. The device calls {@link #start}/{@link #stop} from its control thread and
 * {@link #doorbell} from a channel's user thread inside {@code submit()}.
 *
 * <p>Contract: ops execute in sequence order per channel through {@link EngineChannel#executor()}, which
 * records failed statuses (a success stores nothing), flushes byte counters and publishes {@code done};
 * every batch is bracketed by {@link EngineChannel#gate()} {@code enter()/exit()} on the executing
 * thread. An engine that
 * {@link #executesOnEnqueue()} is driven by the channel itself (the op runs inside {@code copy()} on the
 * caller's thread).
 */
public interface DmaEngine {
    /** @return {@link io.vhostdma.dma.DmaCapability} bits */
    long capabilities();

    /** @return whether ops execute synchronously inside the enqueue call (the {@code cpu} engine) */
    boolean executesOnEnqueue();

    /**
     * Starts serving channels.
     *
     * @param channels the device's channels
     */
    void start(List<EngineChannel> channels);

    /**
     * Called after a channel published new submitted ops.
     *
     * @param channel the channel number
     */
    void doorbell(int channel);

    /** Finishes every submitted op, then stops serving (returns when stopped). */
    void stop();

    /** @return one line describing the engine's state, for dumps */
    String describe();
}
