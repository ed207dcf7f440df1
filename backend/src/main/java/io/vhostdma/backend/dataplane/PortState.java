package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.forward.MacTable;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.protocol.VhostDevice;

/**
 * One configured port as the data plane sees it: its id in the switch, its counters, the device of
 * the current connection (or null) and the started RX rings by queue pair.
 *
 * <p>{@link #rx} slots are written only by the worker owning that queue pair (on attach/detach
 * commands) and read by workers that forward into the port; a reader on another worker only uses
 * the slot to find the owner ({@link RxRing#owner}) and never touches the ring itself.
 */
public final class PortState {
    private final int id;
    private final String name;
    private final int queuePairs;
    private final PortCounters counters;
    private final RxRing[] rx;
    private volatile VhostDevice device;
    /** The switching segment: {@link #DEFAULT_SEGMENT}, or 1 + the index of the port's access group. */
    private volatile int segment = DEFAULT_SEGMENT;
    /** The port's DMA domain handle (its guest memory's owner in the DMA layer); 0 without one. */
    private volatile int domainHandle;
    /** The reactive receiver's tap, or null: the port's guest TX frames go to the switch. */
    private volatile PacketTap tap;
    /** The operator's capture ({@code vhostctl capture}), or null: frames are mirrored into it, not diverted. */
    private volatile CaptureRing capture;
    /**
     * Frames sent into the port by the reactive API (set by the data plane before workers see the port), or
     * null; cleared when the port is removed (volatile: worker 0 stops reading it at its next cycle).
     */
    private volatile Injector injector;

    /** Rings started now (attached and not detached), for the management views. */
    private final java.util.Set<Integer> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set once the port was removed live; its id is never reused (workers may still hold it). */
    private volatile boolean removed;
    /** Most source MACs the switch learns from this port ({@code mac-limit}). */
    private final int macLimit;
    /** Port security ({@code allowed-macs}): the only source MACs accepted, sorted; null = any. */
    private final long[] allowedMacs;

    /** The segment of ports in no access group. */
    public static final int DEFAULT_SEGMENT = 0;

    public PortState(int id, String name, int queuePairs) {
        this(id, name, queuePairs, MacTable.DEFAULT_LIMIT, null);
    }

    /**
     * @param macLimit    most source MACs the switch learns from the port
     * @param allowedMacs the only source MACs the guest may send from (48-bit values), or null for any
     */
    public PortState(int id, String name, int queuePairs, int macLimit, long[] allowedMacs) {
        this.id = id;
        this.name = name;
        this.queuePairs = queuePairs;
        this.counters = new PortCounters(name, queuePairs);
        this.rx = new RxRing[queuePairs];
        this.macLimit = macLimit;
        this.allowedMacs = allowedMacs == null || allowedMacs.length == 0 ? null : sorted(allowedMacs);
    }

    private static long[] sorted(long[] macs) {
        long[] copy = macs.clone();
        java.util.Arrays.sort(copy);
        return copy;
    }

    /** Most source MACs the switch learns from this port. */
    public int macLimit() {
        return macLimit;
    }

    /** Whether the guest may send from {@code mac} (port security; true for every MAC without a list). Allocation-free. */
    boolean allowsSource(long mac) {
        return allowedMacs == null || java.util.Arrays.binarySearch(allowedMacs, mac) >= 0;
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int queuePairs() {
        return queuePairs;
    }

    public PortCounters counters() {
        return counters;
    }

    /** The connected device, or null while no front end is connected. */
    public VhostDevice device() {
        return device;
    }

    public void device(VhostDevice d) {
        this.device = d;
    }

    /**
     * The port's switching segment. Written by the control plane when membership changes; read by
     * workers per packet (volatile: a worker sees the new segment at its next packet).
     */
    public int segment() {
        return segment;
    }

    public void segment(int s) {
        segment = s;
    }

    public int domainHandle() {
        return domainHandle;
    }

    public void domainHandle(int handle) {
        domainHandle = handle;
    }

    /**
     * The installed tap, or null. Volatile: the TX owner reads it once per burst; after {@link #removeTap}
     * a worker sees null from its next burst, so one quiescent point later no worker writes the old tap.
     */
    PacketTap tap() {
        return tap;
    }

    /** Installs {@code t} unless a tap is installed already; returns whether it was installed. */
    public boolean installTap(PacketTap t) {
        return TAP.compareAndSet(this, (PacketTap) null, t);
    }

    /** Removes {@code t} if it is the installed tap (the port goes back on the switch). */
    public void removeTap(PacketTap t) {
        TAP.compareAndSet(this, t, (PacketTap) null);
    }

    /**
     * The installed capture, or null. Volatile: TX owners read it once per burst, RX owners once per enqueued frame;
     * after {@link #removeCapture} one quiescent point of every worker later none writes the old capture.
     */
    CaptureRing capture() {
        return capture;
    }

    /** Installs {@code c} unless a capture is installed already; returns whether it was installed. */
    public boolean installCapture(CaptureRing c) {
        return CAPTURE.compareAndSet(this, (CaptureRing) null, c);
    }

    /** Removes {@code c} if it is the installed capture. */
    public void removeCapture(CaptureRing c) {
        CAPTURE.compareAndSet(this, c, (CaptureRing) null);
    }

    /** The port's injector, or null when the port has none. */
    public Injector injector() {
        return injector;
    }

    /** Set by the data plane before its workers see the port; null when the port is removed. */
    void injector(Injector i) {
        injector = i;
    }

    /** Whether ring {@code ringIndex} is started (control-plane view: set at attach, cleared at detach). */
    public boolean started(int ringIndex) {
        return started.contains(ringIndex);
    }

    void started(int ringIndex, boolean on) {
        if (on) {
            started.add(ringIndex);
        } else {
            started.remove(ringIndex);
        }
    }

    /** Whether the port was removed live. */
    public boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    /** Whether a DMA op may join the two ports' memories: both in one access group. */
    static boolean sameGroup(PortState a, PortState b) {
        int s = a.segment();
        return s != DEFAULT_SEGMENT && s == b.segment();
    }

    /** The started RX ring of queue pair {@code q}, or null. Acquire: pairs with {@link #setRx}. */
    RxRing rx(int q) {
        return (RxRing) RX.getAcquire(rx, q);
    }

    void setRx(int q, RxRing ring) {
        RX.setRelease(rx, q, ring);
    }

    private static final java.lang.invoke.VarHandle TAP;
    private static final java.lang.invoke.VarHandle CAPTURE;

    static {
        try {
            TAP = java.lang.invoke.MethodHandles.lookup().findVarHandle(PortState.class, "tap", PacketTap.class);
            CAPTURE = java.lang.invoke.MethodHandles.lookup().findVarHandle(PortState.class, "capture",
                    CaptureRing.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final java.lang.invoke.VarHandle RX =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(RxRing[].class);
}
