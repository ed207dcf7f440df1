package io.vhostdma.vhost.dirtylog;

import io.vhostdma.vhost.virtq.WriteLog;

/**
 * The {@link WriteLog} of one ring, owned by its worker: turns reported writes into page bits, gathers them in a
 * small cache of 64-bit words ({@value #CACHE_WORDS} words = up to 2048 pages, as DPDK's per-virtqueue log cache),
 * and writes them into the bitmap at {@link #flush} — called by the ring right before the release store of its
 * used index (once per burst), or earlier when the cache is full. Allocation-free.
 */
final class RingLog implements WriteLog {
    /** Words the cache holds before it flushes on its own. */
    static final int CACHE_WORDS = 32;

    private final DirtyLog log;
    private final int ring;
    private final long[] words = new long[CACHE_WORDS];
    private final long[] masks = new long[CACHE_WORDS];
    private int count;

    RingLog(DirtyLog log, int ring) {
        this.log = log;
        this.ring = ring;
    }

    @Override
    public boolean enabled() {
        return log.active();
    }

    @Override
    public void chainWritten(int ringIndex, int id, int length) {
        // the split ring reports the chain's guest ranges by guestWritten
    }

    @Override
    public void usedRing(int ringIndex, long offset, long length) {
        long gpa = log.usedLogAddress(ring);
        if (gpa != DirtyLog.NO_ADDRESS) {
            guestWritten(gpa + offset, length);
        }
    }

    @Override
    public void guestWritten(long gpa, long length) {
        long end = gpa + length - 1;
        if (length <= 0 || Long.compareUnsigned(end, gpa) < 0) {
            return;
        }
        long last = end >>> LogBitmap.PAGE_SHIFT;
        for (long page = gpa >>> LogBitmap.PAGE_SHIFT; Long.compareUnsigned(page, last) <= 0; page++) {
            mark(page);
        }
    }

    private void mark(long page) {
        long word = page >>> 6;
        long bit = 1L << (page & 63);
        for (int i = 0; i < count; i++) {
            if (words[i] == word) {
                masks[i] |= bit;
                return;
            }
        }
        if (count == CACHE_WORDS) {
            flush();
        }
        words[count] = word;
        masks[count] = bit;
        count++;
    }

    @Override
    public void flush() {
        LogBitmap bitmap = log.bitmap(); // read once: a replaced bitmap is unmapped only after a quiesce
        if (bitmap != null) {
            for (int i = 0; i < count; i++) {
                bitmap.or(words[i], masks[i]);
            }
        }
        count = 0;
    }
}
