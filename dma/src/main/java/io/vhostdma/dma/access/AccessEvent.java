package io.vhostdma.dma.access;

/** Device-level access-group events (seed 001's event types). */
public enum AccessEvent {
    /** A domain joined or left a group: the access table changed. */
    TABLE_UPDATED,
    /** A group was destroyed. */
    GROUP_DESTROYED
}
