package io.vhostdma.dma.engine.cpu;

import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.DmaEngineProvider;

/** Provides the {@code cpu} engine. */
public final class CpuEngineProvider implements DmaEngineProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DmaEngine create(String deviceName, EngineOptions options) {
        return new CpuEngine(options);
    }
}
