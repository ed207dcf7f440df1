package io.vhostdma.vhost.dirtylog;

import io.vhostdma.vhost.virtq.WriteLog;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One device's dirty-logging state: the mapped bitmap, whether LOG_ALL is negotiated, and each ring's used-ring log
 * address (SET_VRING_ADDR's LOG flag and {@code log_guest_addr}). The session is the only writer; the rings' owner
 * workers read it through their {@link RingLog}s.
 *
 * <p>Ordering: {@link #active()} and {@link #bitmap()} are volatile reads of fields the session writes; a ring's
 * log address is an {@link AtomicLongArray} element (volatile). The session publishes a change and then awaits a
 * data-plane quiesce before it answers the front end (and before it unmaps a replaced bitmap): every write a worker
 * makes after that quiesce is logged under the new state, and no worker still holds the old bitmap.
 */
public final class DirtyLog {
    /** A ring's log address when its LOG flag is clear. */
    public static final long NO_ADDRESS = -1L;

    private final AtomicLongArray usedLogGpa;
    private volatile LogBitmap bitmap;
    private volatile boolean logAll;
    /** {@code logAll && bitmap != null}: what the data path tests before every log call. */
    private volatile boolean active;
    /** SET_LOG_FD's eventfd, or -1 (session only). */
    private int logFd = -1;

    /** State for a device of {@code rings} rings: nothing logged, no bitmap. */
    public DirtyLog(int rings) {
        usedLogGpa = new AtomicLongArray(rings);
        for (int i = 0; i < rings; i++) {
            usedLogGpa.set(i, NO_ADDRESS);
        }
    }

    /** Whether writes are logged now: LOG_ALL negotiated and a bitmap mapped (volatile read). */
    public boolean active() {
        return active;
    }

    /** Whether LOG_ALL is negotiated. */
    public boolean logAll() {
        return logAll;
    }

    /** The mapped bitmap, or null (volatile read; read once per flush). */
    public LogBitmap bitmap() {
        return bitmap;
    }

    /** Ring {@code ring}'s used-ring log address, or {@link #NO_ADDRESS} (volatile read). */
    public long usedLogAddress(int ring) {
        return usedLogGpa.get(ring);
    }

    /** A {@link WriteLog} for ring {@code ring}, owned by the ring's worker (control plane: allocates). */
    public WriteLog forRing(int ring) {
        return new RingLog(this, ring);
    }

    /** Session: LOG_ALL negotiated or not (SET_FEATURES). */
    public void logAll(boolean on) {
        logAll = on;
        active = on && bitmap != null;
    }

    /** Session: installs a new bitmap (or null) and returns the old one, to be closed after a quiesce. */
    public LogBitmap swapBitmap(LogBitmap next) {
        LogBitmap old = bitmap;
        bitmap = next;
        active = logAll && next != null;
        return old;
    }

    /** Session: ring {@code ring}'s LOG flag ({@code gpa} = log_guest_addr) or {@link #NO_ADDRESS}. */
    public void usedLog(int ring, long gpa) {
        usedLogGpa.set(ring, gpa);
    }

    /** Session: installs SET_LOG_FD's eventfd (or -1) and returns the previous one, for the caller to close. */
    public int swapLogFd(int fd) {
        int old = logFd;
        logFd = fd;
        return old;
    }

    /** Session, disconnect: forgets everything; returns the bitmap to close after a quiesce (or null). */
    public LogBitmap reset() {
        logAll(false);
        for (int i = 0; i < usedLogGpa.length(); i++) {
            usedLogGpa.set(i, NO_ADDRESS);
        }
        return swapBitmap(null);
    }
}
