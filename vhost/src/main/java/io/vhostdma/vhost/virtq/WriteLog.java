package io.vhostdma.vhost.virtq;

/**
 * Where dirty logging (live migration, VHOST_USER_SET_LOG_BASE) plugs into the data path: every write the
 * device makes to guest memory is reported by the ring that publishes it — by the ring's owner worker, when the
 * write is complete (a CPU copy returned, a DMA record completed: that is when the used element is added), and
 * before the release store that makes it visible to the driver (the used index, or a packed descriptor's
 * flags). The ring tests {@link #enabled()} first, so with logging off the data path pays one predictable branch.
 *
 * <p>A layout whose chains can still be walked when the used element is added (split) reports the guest ranges
 * the device wrote by {@link #guestWritten} after {@link #chainWritten}; it calls {@link #flush} right before the
 * release store that publishes what was logged. A packed ring, whose chains cannot be walked again then, reports
 * the ranges it recorded at the pop ({@code PackedWriteLog}) and its own parts by {@link #guestWritten} only. The
 * dirty-page logger ({@code io.vhostdma.vhost.dirtylog}) turns those into bits of the front end's log bitmap.
 */
public interface WriteLog {
    /** No logging. */
    WriteLog NONE = new WriteLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void chainWritten(int ringIndex, int id, int length) {
        }

        @Override
        public void usedRing(int ringIndex, long offset, long length) {
        }
    };

    /** Whether writes are logged (checked before every other call). */
    boolean enabled();

    /**
     * The device wrote the first {@code length} bytes of chain {@code id} of ring {@code ringIndex} (its used
     * element is being added; the chain's descriptors are still the device's, so a logger may walk them for the
     * guest addresses).
     */
    void chainWritten(int ringIndex, int id, int length);

    /** Bytes {@code [offset, offset + length)} of ring {@code ringIndex}'s used (device) area were written. */
    void usedRing(int ringIndex, long offset, long length);

    /** The device wrote guest-physical bytes {@code [gpa, gpa + length)} (a buffer of a chain being used). */
    default void guestWritten(long gpa, long length) {
    }

    /**
     * Everything reported so far must reach the log now: called by the owner right before the release store that
     * makes the reported writes visible to the driver (a logger that caches bits flushes them here).
     */
    default void flush() {
    }
}
