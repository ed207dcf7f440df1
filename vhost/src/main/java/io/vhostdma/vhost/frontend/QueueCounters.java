package io.vhostdma.vhost.frontend;

/**
 * Live counters of one queue pair, written by the thread that drives the pair (plain fields:
 * read them from that thread, or after it stopped).
 */
public final class QueueCounters {
    long txPackets;
    long txBytes;
    long txFull;
    long txTooLarge;
    long txBadUsed;
    long kicks;
    long kicksSuppressed;
    long rxPackets;
    long rxBytes;
    long rxMerged;
    long rxTooSmall;
    long rxShort;
    long rxBadUsed;
    long rxWakeups;

    /** Frames placed on the TX ring. */
    public long txPackets() {
        return txPackets;
    }

    /** Frame bytes (without header) placed on the TX ring. */
    public long txBytes() {
        return txBytes;
    }

    /** send() calls that found the TX ring full after reclaiming. */
    public long txFull() {
        return txFull;
    }

    /** send() calls refused because the frame exceeds the TX buffer. */
    public long txTooLarge() {
        return txTooLarge;
    }

    /** TX used entries naming a descriptor that was not in flight (back-end error). */
    public long txBadUsed() {
        return txBadUsed;
    }

    /** Kick eventfd signals sent (TX and RX re-posts). */
    public long kicks() {
        return kicks;
    }

    /** Publishes for which the back end's suppression made a kick unnecessary. */
    public long kicksSuppressed() {
        return kicksSuppressed;
    }

    /** Frames received. */
    public long rxPackets() {
        return rxPackets;
    }

    /** Frame bytes (without header) received. */
    public long rxBytes() {
        return rxBytes;
    }

    /** Received frames that spanned more than one RX buffer (mergeable). */
    public long rxMerged() {
        return rxMerged;
    }

    /** Received frames dropped because the caller's buffer was too small. */
    /** RX buffers returned shorter than the virtio-net header (no packet: e.g. a failed copy), re-posted. */
    public long rxShort() {
        return rxShort;
    }

    public long rxTooSmall() {
        return rxTooSmall;
    }

    /** RX used entries that were malformed (bad id, len, num_buffers); the buffers were re-posted. */
    public long rxBadUsed() {
        return rxBadUsed;
    }

    /** Call-eventfd wakeups seen by awaitRx. */
    public long rxWakeups() {
        return rxWakeups;
    }

    @Override
    public String toString() {
        return "QueueCounters[txPackets=" + txPackets + " txBytes=" + txBytes + " txFull=" + txFull
                + " kicks=" + kicks + " kicksSuppressed=" + kicksSuppressed + " rxPackets=" + rxPackets
                + " rxBytes=" + rxBytes + " rxMerged=" + rxMerged + " rxTooSmall=" + rxTooSmall + " rxShort=" + rxShort
                + " rxBadUsed=" + rxBadUsed + " txBadUsed=" + txBadUsed + "]";
    }
}
