package io.vhostdma.dma.spi;

import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.memory.Registration;

/**
 * Service-provider interface for DMA engines, found with {@link java.util.ServiceLoader} (list
 * implementations in {@code META-INF/services/io.vhostdma.dma.spi.DmaEngineProvider}). Built in:
 * {@code cpu} and {@code sw}; the {@code dma-dpdk} module adds {@code dpdk}.
 *
 * <p>One provider instance serves one {@link io.vhostdma.dma.DmaDevices}. Memory registration is
 * process-wide, as {@code rte_extmem_register} is: the provider is told about every registration while
 * it has a device ({@link #register} for each existing one when its first device is created, then for
 * each new one), and about its end ({@link #unregister}, after every device unmapped it). Engines map
 * registrations per device ({@link DmaEngine#map}).
 */
public interface DmaEngineProvider {
    /** @return the engine name used in {@code DmaDevices.create(name, engine, ...)} */
    String name();

    /**
     * @param deviceName the device the engine serves
     * @param options    the device's options (test knobs, the backing device, the runtime's arguments)
     * @return a new engine
     * @throws io.vhostdma.dma.DmaException when the engine cannot serve the device (e.g. {@code NotFound}
     *                                      for an unknown backing device, {@code Unavailable} for a runtime
     *                                      that cannot start)
     */
    DmaEngine create(String deviceName, EngineOptions options);

    /**
     * Registers memory with the engine's runtime (seed 003: VA, length, page size, IOVAs, and the
     * dmabuf fd and offset when there is one).
     *
     * @param r the registration
     */
    default void register(Registration r) {
    }

    /** @param r a registration every device of this engine already unmapped */
    default void unregister(Registration r) {
    }
}
