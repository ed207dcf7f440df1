package io.vhostdma.dma.engine.cpu;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.core.EngineChannel;
import io.vhostdma.dma.spi.DmaEngine;
import java.util.List;

/**
 * The no-offload baseline: each op executes inside {@code copy()/copySg()/fill()} on the caller's thread
 * and is reported at the next completion poll after {@code submit()}. No thread of its own.
 */
final class CpuEngine implements DmaEngine {
    private volatile boolean started;

    @Override
    public long capabilities() {
        return DmaCapability.MEM_TO_MEM | DmaCapability.HANDLES_ERRORS | DmaCapability.INTER_DOMAIN
            | DmaCapability.OPS_COPY | DmaCapability.OPS_COPY_SG | DmaCapability.OPS_FILL;
    }

    @Override
    public boolean executesOnEnqueue() {
        return true;
    }

    @Override
    public void start(List<EngineChannel> channels) {
        started = true;
    }

    @Override
    public void doorbell(int channel) {
        // nothing to wake: ops already executed inside the enqueue call
    }

    @Override
    public void stop() {
        started = false;
    }

    @Override
    public String describe() {
        return "cpu engine (inline on the caller's thread), started=" + started;
    }
}
