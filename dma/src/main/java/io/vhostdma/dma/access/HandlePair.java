package io.vhostdma.dma.access;

import io.vhostdma.dma.OpFlags;

/**
 * Source and destination domain handles for inter-domain ops.
 *
 * @param srcHandle source domain handle
 * @param dstHandle destination domain handle
 */
public record HandlePair(int srcHandle, int dstHandle) {
    /**
     * @param flags low op flags
     * @return the flags carrying both handles
     */
    public long toFlags(long flags) {
        return OpFlags.withHandles(flags, srcHandle, dstHandle);
    }
}
