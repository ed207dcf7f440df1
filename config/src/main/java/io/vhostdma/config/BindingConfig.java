package io.vhostdma.config;

import java.util.Objects;

/**
 * One entry of the {@code bindings} section: a virtqueue served through a DMA channel
 * ({@code channel: dma0/2} names device {@code dma0}, channel 2).
 *
 * @param port    name of a configured port
 * @param queue   the queue, from the guest's view
 * @param device  name of a configured DMA device
 * @param channel channel index on that device
 */
public record BindingConfig(String port, QueueRef queue, String device, int channel) {

    /** Checks the components are present. Cross references are checked by {@link ConfigLoader}. */
    public BindingConfig {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(device, "device");
    }

    /** {@code device/channel}, as written in the config. */
    public String channelName() {
        return device + "/" + channel;
    }
}
