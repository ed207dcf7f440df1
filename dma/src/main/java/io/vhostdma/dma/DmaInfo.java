package io.vhostdma.dma;

/**
 * What a device offers, as reported by {@link DmaDevice#info()}.
 *
 * @param name            device name
 * @param engine          engine name ({@code cpu}, {@code sw}, ...)
 * @param capabilities    {@link DmaCapability} bits
 * @param maxChannels     most virtual channels {@link DmaDevice#configure} accepts
 * @param channels        channels configured now (0 before configure)
 * @param minRingSize     smallest ring size a channel accepts (a power of two)
 * @param maxRingSize     largest ring size a channel accepts (a power of two, at most 65536)
 * @param maxSges         most entries on either side of a scatter-gather copy
 */
public record DmaInfo(String name, String engine, long capabilities, int maxChannels, int channels,
                      int minRingSize, int maxRingSize, int maxSges) {
    /**
     * @param capability a {@link DmaCapability} bit
     * @return whether the device has it
     */
    public boolean has(long capability) {
        return (capabilities & capability) == capability;
    }
}
