package io.vhostdma.vhost.virtq;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DESC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_DISABLE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_ENABLE;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_FLAGS;
import static io.vhostdma.vhost.virtq.PackedRingLayout.EVENT_OFF_WRAP;
import static io.vhostdma.vhost.virtq.PackedRingLayout.OFFSET_MASK;
import static io.vhostdma.vhost.virtq.PackedRingLayout.U16_ATOMIC;
import static io.vhostdma.vhost.virtq.PackedRingLayout.WRAP_BIT;

/**
 * Event suppression of a packed ring (virtio 1.2 §2.8.10): the driver area tells us whether to interrupt, the
 * device area tells the driver whether to kick. Part of {@link PackedVirtqueue}, owned by its thread.
 *
 * <p>Interrupt decision ({@link #needsNotification}), for what was published since the previous decision:
 * driver flags DISABLE: no; ENABLE (or DESC without EVENT_IDX, or the reserved value): yes; DESC with EVENT_IDX:
 * yes when the driver's {@code off_wrap} lies in the used slots published since the previous decision (the
 * event-index test on positions unrolled by the wrap counters), or when nothing was decided since the ring
 * started, or when a whole ring's worth of slots was used since (the test cannot tell laps apart).
 */
final class PackedNotifications {
    private boolean eventIdx;
    private MemorySegment driver;
    private MemorySegment device;
    private boolean decidedSinceStart;
    private int decidedUsed;
    private int usedSinceDecision;

    void eventIdx(boolean v) {
        eventIdx = v;
    }

    /** The ring starts afresh (configure): the next decision interrupts. */
    void restart() {
        decidedSinceStart = false;
        usedSinceDecision = 0;
    }

    void attach(MemorySegment driverArea, MemorySegment deviceArea) {
        driver = driverArea;
        device = deviceArea;
    }

    void detach() {
        driver = null;
        device = null;
    }

    /** {@code n} ring slots were used (added; published by the next publish). */
    void used(int n) {
        usedSinceDecision += n;
    }

    /** Whether to interrupt for what was published up to used position {@code used} with wrap {@code wrap}. */
    boolean needsNotification(int size, int used, boolean wrap) {
        // full fence (StoreLoad): our release stores of the used flags must be visible before we read the driver's
        // suppression; otherwise the driver may re-arm after reading a stale flag while we read its stale area
        VarHandle.fullFence();
        if (usedSinceDecision == 0) {
            return false;
        }
        int old = decidedUsed;
        boolean first = !decidedSinceStart;
        boolean lapped = usedSinceDecision >= size;
        decidedUsed = used;
        decidedSinceStart = true;
        usedSinceDecision = 0;
        // acquire: the driver writes off_wrap before its flags (DESC); this orders our read of off_wrap after it
        int flags = (short) U16_ATOMIC.getAcquire(driver, EVENT_FLAGS) & 0xFFFF;
        if (flags == EVENT_DISABLE) {
            return false;
        }
        if (!eventIdx || flags != EVENT_DESC || first || lapped) {
            return true;
        }
        // opaque: read once; ordered by the acquire above
        int offWrap = (short) U16_ATOMIC.getOpaque(driver, EVENT_OFF_WRAP) & 0xFFFF;
        int event = offWrap & OFFSET_MASK;
        if (((offWrap & WRAP_BIT) != 0) != wrap) {
            event -= size;
        }
        if (used <= old) {
            old -= size;
        }
        return VirtqIndex.needEvent(event & VirtqIndex.MASK, used, old & VirtqIndex.MASK);
    }

    /**
     * Asks the driver to kick again: with EVENT_IDX at avail position {@code avail} (wrap {@code wrap}), else at
     * every buffer. Ends with a full fence; the caller must check for work again.
     */
    void enable(int avail, boolean wrap) {
        if (eventIdx) {
            // opaque, then release: off_wrap is visible before the flags that tell the driver to use it
            U16_ATOMIC.setOpaque(device, EVENT_OFF_WRAP, (short) (avail | (wrap ? WRAP_BIT : 0)));
            U16_ATOMIC.setRelease(device, EVENT_FLAGS, (short) EVENT_DESC);
        } else {
            // release: we are the only writer of the device area; the driver reads it before kicking
            U16_ATOMIC.setRelease(device, EVENT_FLAGS, (short) EVENT_ENABLE);
        }
        // full fence (StoreLoad): the re-arm must be visible before the caller looks at the ring again
        VarHandle.fullFence();
    }

    /** Asks the driver not to kick (busy polling). */
    void disable() {
        // opaque: a hint; the driver seeing it late only costs one spurious kick
        U16_ATOMIC.setOpaque(device, EVENT_FLAGS, (short) EVENT_DISABLE);
    }
}
