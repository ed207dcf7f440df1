package io.vhostdma.dma.engine.soft;

import io.vhostdma.dma.EngineOptions;

/**
 * Test knob: decides whether an operation fails with an injected error. Used by the executing thread
 * only; allocation-free (a xorshift generator in a field).
 */
final class FaultInjector {
    private final long errorAtOp;
    private final long threshold; // probability scaled to [0, 2^53)
    private final boolean enabled;
    private long state;

    /** @param options the device's options */
    FaultInjector(EngineOptions options) {
        this.errorAtOp = options.errorAtOp();
        double p = Math.max(0.0, Math.min(1.0, options.errorProbability()));
        this.threshold = (long) (p * (1L << 53));
        this.state = options.seed() == 0 ? 0x9E3779B97F4A7C15L : options.seed();
        this.enabled = errorAtOp >= 0 || threshold > 0;
    }

    /** @return whether any fault is configured ({@link #shouldFail} may return true) */
    boolean enabled() {
        return enabled;
    }

    /**
     * @param seq the op's per-channel engine sequence number
     * @return whether to fail it
     */
    boolean shouldFail(long seq) {
        if (!enabled) {
            return false;
        }
        if (seq == errorAtOp) {
            return true;
        }
        if (threshold == 0) {
            return false;
        }
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return (x >>> 11) < threshold;
    }
}
