package io.vhostdma.dma.access;

import io.vhostdma.dma.memory.DomainId;

/**
 * A member's callback, given at create/join: told when another member leaves the group. Runs on the
 * leaving caller's thread after the access table no longer allows the leaver.
 */
@FunctionalInterface
public interface LeaveListener {
    /**
     * @param groupId the group
     * @param left    the domain that left
     */
    void onLeave(int groupId, DomainId left);
}
