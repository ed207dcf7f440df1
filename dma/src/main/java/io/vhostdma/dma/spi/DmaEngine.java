package io.vhostdma.dma.spi;

import io.vhostdma.dma.DmaStats;
import io.vhostdma.dma.memory.Registration;
import java.util.List;

/**
 * One device's engine, shaped as a dmadev driver plus seed 003's device map: lifecycle
 * ({@link #configure} → {@link #setupChannel} per channel → {@link #start} → {@link #stop} →
 * {@link #close}), one {@link EngineChannel} per virtual channel, and per-device {@link #map}/{@link #unmap}
 * of memory the provider registered ({@link DmaEngineProvider#register}). The device calls these from
 * its control thread, in that order only, after validating arguments against {@link #info()}; failures
 * are {@link io.vhostdma.dma.DmaException}s with {@code name=value} context.
 *
 * <p>The engine never sees an op that the layer refused: translation through the device's table of
 * mapped memory, revocation and the access-group rules are checked before an op is handed over, and
 * an op refused there completes with its status in order without reaching the engine.
 */
public interface DmaEngine {
    /** @return capabilities and limits */
    EngineInfo info();

    /** @param channels number of virtual channels (within {@link EngineInfo#maxChannels()}) */
    void configure(int channels);

    /**
     * Sets up one virtual channel.
     *
     * @param vchan    channel number
     * @param ringSize descriptors (a power of two within the info's limits)
     * @return the channel's fast path, valid once the engine is started
     */
    EngineChannel setupChannel(int vchan, int ringSize);

    /** Starts executing ops. */
    void start();

    /** Finishes every submitted op (their completions stay reapable), then stops. */
    void stop();

    /** Releases the engine (not started). */
    void close();

    /**
     * Lets this device touch a registration (seed 003: the device-level DMA map). Called before the
     * layer's translation table holds it.
     *
     * @param r the registration (already given to {@link DmaEngineProvider#register})
     */
    default void map(Registration r) {
    }

    /**
     * Stops this device touching a registration. Called once the layer's table no longer holds it and
     * every op touching it completed.
     *
     * @param r the registration
     */
    default void unmap(Registration r) {
    }

    /**
     * @param vchan channel number
     * @return the engine's own counters for that channel (a device's statistics), empty when none
     */
    default List<DmaStats.EngineCounter> counters(int vchan) {
        return List.of();
    }

    /** @return one line describing the engine's state, for dumps */
    String describe();
}
