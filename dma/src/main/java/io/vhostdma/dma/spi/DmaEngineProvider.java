package io.vhostdma.dma.spi;

import io.vhostdma.dma.EngineOptions;

/**
 * Service-provider interface for DMA engines, found with {@link java.util.ServiceLoader} (list
 * implementations in {@code META-INF/services/io.vhostdma.dma.spi.DmaEngineProvider}). Built in:
 * {@code cpu} and {@code sw}.
 */
public interface DmaEngineProvider {
    /** @return the engine name used in {@code DmaDevices.create(name, engine, ...)} */
    String name();

    /**
     * @param deviceName the device the engine serves
     * @param options    the device's options (test knobs included)
     * @return a new engine
     */
    DmaEngine create(String deviceName, EngineOptions options);
}
