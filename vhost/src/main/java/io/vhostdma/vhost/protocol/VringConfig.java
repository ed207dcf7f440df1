package io.vhostdma.vhost.protocol;

/**
 * The control-plane configuration of one vring, as the session learned it from the front end. The
 * session is the only writer; the data plane reads it. Ordering, field by field:
 * <ul>
 *   <li>{@link #size()}, {@link #descUva()}, {@link #availUva()}, {@link #usedUva()},
 *       {@link #lastAvailIndex()}, {@link #kickFd()}: plain fields, written by the session only
 *       while the ring is detached (before {@link DataPlane#attach} or after the future of
 *       {@link DataPlane#detach} completed). The data plane reads them after {@code attach}; its
 *       hand-off of the ring to a worker (a queue) supplies the happens-before edge.</li>
 *   <li>{@link #callFd()} and {@link #errFd()}: volatile, replaced on a live ring. The session
 *       publishes the new fd (volatile write), then awaits {@link DataPlane#quiesce()}, then closes
 *       the old fd: a worker must read the fd once per use, and may use a stale value only until its
 *       next quiescent point.</li>
 *   <li>{@link #enabled()}: volatile, changed at any time (SET_VRING_ENABLE, SET_FEATURES without
 *       bit 30, RESET_OWNER). A started but disabled ring is processed without side effects.</li>
 *   <li>{@link #started()}: volatile; true between attach and detach (diagnostics).</li>
 * </ul>
 */
public final class VringConfig {
    /** Largest split-ring size. */
    public static final int MAX_SIZE = 32768;

    private final int index;
    private int size;
    private long descUva;
    private long availUva;
    private long usedUva;
    private int lastAvailIndex;
    private int kickFd = -1;
    private volatile int callFd = -1;
    private volatile int errFd = -1;
    private volatile boolean enabled;
    private volatile boolean started;
    // session-private progress flags (event loop only)
    private boolean addressesSet;
    private boolean kickReceived;

    VringConfig(int index) {
        this.index = index;
    }

    /** The vring index: 2n is rxq n, 2n+1 is txq n. */
    public int index() {
        return index;
    }

    /** Ring size (SET_VRING_NUM): 1..32768, a power of two for a split ring; 0 until set. */
    public int size() {
        return size;
    }

    /** Front-end user address of the descriptor table (translate with {@code GuestMemory.regionOfUva}). */
    public long descUva() {
        return descUva;
    }

    /** Front-end user address of the avail ring. */
    public long availUva() {
        return availUva;
    }

    /** Front-end user address of the used ring. */
    public long usedUva() {
        return usedUva;
    }

    /**
     * The ring base: SET_VRING_BASE, or the value returned by the last detach. Split ring: the next avail index
     * (16 bits). Packed ring: all 32 bits (avail position and wrap counter, used position and wrap counter).
     */
    public int lastAvailIndex() {
        return lastAvailIndex;
    }

    /** Kick eventfd, or -1: poll the ring (NOFD). */
    public int kickFd() {
        return kickFd;
    }

    /** Call eventfd, or -1: never signal. Volatile read; read once per use. */
    public int callFd() {
        return callFd;
    }

    /** Error eventfd, or -1. Volatile read; read once per use. */
    public int errFd() {
        return errFd;
    }

    /** Whether the ring is enabled (volatile read). */
    public boolean enabled() {
        return enabled;
    }

    /** Whether the data plane owns the ring (between attach and detach). */
    public boolean started() {
        return started;
    }

    void size(int v) {
        size = v;
    }

    void addresses(long desc, long avail, long used) {
        descUva = desc;
        availUva = avail;
        usedUva = used;
        addressesSet = true;
    }

    boolean addressesSet() {
        return addressesSet;
    }

    void lastAvailIndex(int v) {
        lastAvailIndex = v;
    }

    /** Installs a new kick fd and returns the old one (the caller closes it). */
    int swapKickFd(int fd) {
        int old = kickFd;
        kickFd = fd;
        kickReceived = true;
        return old;
    }

    /** Forgets the kick: the ring stays stopped until the next SET_VRING_KICK. Returns the old fd. */
    int clearKick() {
        int old = kickFd;
        kickFd = -1;
        kickReceived = false;
        return old;
    }

    boolean kickReceived() {
        return kickReceived;
    }

    int swapCallFd(int fd) {
        int old = callFd;
        callFd = fd;
        return old;
    }

    int swapErrFd(int fd) {
        int old = errFd;
        errFd = fd;
        return old;
    }

    void enabled(boolean v) {
        enabled = v;
    }

    void started(boolean v) {
        started = v;
    }

    @Override
    public String toString() {
        return "VringConfig[index=" + index + " size=" + size + " base=" + lastAvailIndex + " kick=" + kickFd
                + " call=" + callFd + " enabled=" + enabled + " started=" + started + "]";
    }
}
