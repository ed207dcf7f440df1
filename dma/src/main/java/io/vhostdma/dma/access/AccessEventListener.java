package io.vhostdma.dma.access;

import io.vhostdma.dma.DmaDevice;

/** Receives device-level access-group events, on the thread that made the change, after it took effect. */
@FunctionalInterface
public interface AccessEventListener {
    /**
     * @param device  the device
     * @param event   what happened
     * @param groupId the group concerned
     */
    void onEvent(DmaDevice device, AccessEvent event, int groupId);
}
