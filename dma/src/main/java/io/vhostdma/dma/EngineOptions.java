package io.vhostdma.dma;

import java.util.List;

/**
 * Creation-time options of a device, including the test knobs of the engines.
 *
 * @param maxChannels          most virtual channels the device offers (built-in engines)
 * @param maxRingSize          largest ring size (power of two, at most 65536; built-in engines)
 * @param errorAtOp            inject a {@link DmaStatus#BUS_ERROR} into the operation with this per-channel
 *                             engine sequence number (0-based count of ops the engine took); -1 for none
 * @param errorProbability     probability in [0,1] of injecting {@link DmaStatus#BUS_ERROR} into any op
 * @param seed                 seed of the injection random source
 * @param completionDelayNanos {@code sw} only: the engine waits this long after first seeing submitted
 *                             work before executing it (models a slow device)
 * @param backingDevice        the engine's own name for the device it drives (the {@code dpdk} engine: a
 *                             dmadev name such as {@code dma_skeleton0}); null for software engines
 * @param runtimeArgs          arguments of the engine's process-wide runtime (the {@code dpdk} engine: the
 *                             EAL arguments); the same for every device of one engine in a process
 */
public record EngineOptions(int maxChannels, int maxRingSize, long errorAtOp, double errorProbability, long seed,
                            long completionDelayNanos, String backingDevice, List<String> runtimeArgs) {
    /** Smallest ring size any device accepts. */
    public static final int MIN_RING_SIZE = 16;
    /** Largest ring size any device accepts: the 16-bit ring index space. */
    public static final int MAX_RING_SIZE = 65536;

    /** Copies the runtime arguments. */
    public EngineOptions {
        runtimeArgs = List.copyOf(runtimeArgs);
    }

    /** Options of a software engine (no backing device, no runtime arguments). */
    public EngineOptions(int maxChannels, int maxRingSize, long errorAtOp, double errorProbability, long seed,
                         long completionDelayNanos) {
        this(maxChannels, maxRingSize, errorAtOp, errorProbability, seed, completionDelayNanos, null, List.of());
    }

    /** @return 8 channels, rings up to 65536, no error injection, no delay */
    public static EngineOptions defaults() {
        return new EngineOptions(8, MAX_RING_SIZE, -1, 0.0, 1L, 0L);
    }

    /** @param channels most virtual channels @return a copy with that limit */
    public EngineOptions withMaxChannels(int channels) {
        return new EngineOptions(channels, maxRingSize, errorAtOp, errorProbability, seed, completionDelayNanos,
            backingDevice, runtimeArgs);
    }

    /** @param op op sequence number to fail @return a copy with that knob */
    public EngineOptions withErrorAtOp(long op) {
        return new EngineOptions(maxChannels, maxRingSize, op, errorProbability, seed, completionDelayNanos,
            backingDevice, runtimeArgs);
    }

    /** @param p failure probability @param s seed @return a copy with that knob */
    public EngineOptions withErrorProbability(double p, long s) {
        return new EngineOptions(maxChannels, maxRingSize, errorAtOp, p, s, completionDelayNanos, backingDevice,
            runtimeArgs);
    }

    /** @param nanos completion delay @return a copy with that knob */
    public EngineOptions withCompletionDelayNanos(long nanos) {
        return new EngineOptions(maxChannels, maxRingSize, errorAtOp, errorProbability, seed, nanos, backingDevice,
            runtimeArgs);
    }

    /**
     * @param device the engine's name for the device it drives
     * @param args   the engine runtime's arguments
     * @return a copy naming them
     */
    public EngineOptions withBacking(String device, List<String> args) {
        return new EngineOptions(maxChannels, maxRingSize, errorAtOp, errorProbability, seed, completionDelayNanos,
            device, args);
    }
}
