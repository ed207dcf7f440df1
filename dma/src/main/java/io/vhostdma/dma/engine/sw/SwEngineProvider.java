package io.vhostdma.dma.engine.sw;

import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.DmaEngineProvider;

/** Provides the {@code sw} engine. */
public final class SwEngineProvider implements DmaEngineProvider {
    @Override
    public String name() {
        return "sw";
    }

    @Override
    public DmaEngine create(String deviceName, EngineOptions options) {
        return new SwEngine(deviceName, options);
    }
}
