package io.vhostdma.vhost.frontend;

/** How the front end decides whether to kick the back end after publishing avail entries. */
public enum NotificationMode {
    /** Signal the kick eventfd after every publish. */
    KICK_ALWAYS,
    /**
     * Honour the back end's suppression: {@code used.flags & NO_NOTIFY} without EVENT_IDX, the
     * {@code avail_event} test ({@code need_event}) with EVENT_IDX.
     */
    RESPECT_SUPPRESSION
}
