package io.vhostdma.dma.engine.cpu;

import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.engine.soft.SoftChannel;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.EngineChannel;
import io.vhostdma.dma.spi.EngineInfo;

/**
 * The no-offload baseline: {@code copy()/copySg()/fill()} describe the op; {@code submit()} executes every
 * op submitted as one batch on the caller's thread; they are reported at the next completion poll. No thread
 * of its own; memory needs no registration (the layer hands over segments).
 */
final class CpuEngine implements DmaEngine {
    private final EngineOptions options;
    private volatile boolean started;

    CpuEngine(EngineOptions options) {
        this.options = options;
    }

    @Override
    public EngineInfo info() {
        long capa = DmaCapability.MEM_TO_MEM | DmaCapability.HANDLES_ERRORS | DmaCapability.INTER_DOMAIN
            | DmaCapability.OPS_COPY | DmaCapability.OPS_COPY_SG | DmaCapability.OPS_FILL;
        return new EngineInfo(capa, options.maxChannels(), EngineOptions.MIN_RING_SIZE, options.maxRingSize(),
            DmaDevice.MAX_SGES);
    }

    @Override
    public void configure(int channels) {
        // nothing to size: channels are set up one by one
    }

    @Override
    public EngineChannel setupChannel(int vchan, int ringSize) {
        return new SoftChannel(ringSize, DmaDevice.MAX_SGES, options, true, null);
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public void stop() {
        started = false; // submitted ops already ran inside their submit calls
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String describe() {
        return "cpu engine (at submit, on the caller's thread), started=" + started;
    }
}
