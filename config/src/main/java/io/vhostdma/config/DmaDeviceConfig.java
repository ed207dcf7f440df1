package io.vhostdma.config;

import java.util.Objects;

/**
 * One DMA device of the {@code dma} section.
 *
 * @param name               unique device name, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,31}}
 * @param engine             engine name: {@code cpu}, {@code sw} or one provided through the DMA SPI
 * @param channels           number of virtual channels, 1..64
 * @param ringSize           descriptors per channel: a power of two, 16..65536
 * @param errorProbability   test knob ({@code error-probability}): probability in [0, 1] that an op fails
 *                           with a bus error; 0 in production
 * @param completionDelayUs  test knob ({@code completion-delay-us}, {@code sw} only): microseconds the
 *                           engine waits before executing submitted work; 0 in production
 * @param dpdkDevice         {@code engine: dpdk} only ({@code dpdk-device}, required there): the DPDK dmadev
 *                           to drive, named as DPDK prints it ({@code dma_skeleton0}, {@code 0000:00:04.0},
 *                           {@code wq0.0}); null for other engines
 */
public record DmaDeviceConfig(String name, String engine, int channels, int ringSize, double errorProbability,
                              long completionDelayUs, String dpdkDevice) {

    /** The engine backed by a DPDK dmadev. */
    public static final String DPDK_ENGINE = "dpdk";

    /** Default {@code channels}. */
    public static final int DEFAULT_CHANNELS = 4;
    /** Default {@code ring-size}. */
    public static final int DEFAULT_RING_SIZE = 4096;

    /** Checks the components are present. Value ranges are checked by {@link ConfigLoader}. */
    public DmaDeviceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
    }

    /** A device without test knobs. */
    public DmaDeviceConfig(String name, String engine, int channels, int ringSize) {
        this(name, engine, channels, ringSize, 0.0, 0L);
    }

    /** A device of a software engine (no dmadev). */
    public DmaDeviceConfig(String name, String engine, int channels, int ringSize, double errorProbability,
                           long completionDelayUs) {
        this(name, engine, channels, ringSize, errorProbability, completionDelayUs, null);
    }
}
