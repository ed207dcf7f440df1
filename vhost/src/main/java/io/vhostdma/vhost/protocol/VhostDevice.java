package io.vhostdma.vhost.protocol;

import io.vhostdma.vhost.dirtylog.DirtyLog;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.net.VirtioNetFeatures;

/**
 * One front end's device, as the data plane sees it: negotiated features, the current guest-memory
 * table and the per-ring configuration. One instance per connection; the session is its only writer.
 *
 * <p>Ordering: {@link #features()} and the values derived from it are volatile and change only
 * while no ring is started (the session refuses a feature change on a running device).
 * {@link #memory()} is volatile: the session publishes a new table only while every ring is
 * detached, then re-attaches, awaits {@link DataPlane#quiesce()} and only then unmaps the old table.
 * Ring fields are documented on {@link VringConfig}.
 */
public final class VhostDevice {
    /** Most queue pairs a vhost-user port may have (ring index is 8 bits). */
    public static final int MAX_QUEUE_PAIRS = 128;

    private final String portName;
    private final int queuePairs;
    private final VringConfig[] rings;
    private final DirtyLog dirtyLog;
    private volatile long features;
    private volatile GuestMemory memory = GuestMemory.EMPTY;
    private volatile int mtu;
    /** Set once the data plane found this front end's memory faulting (see {@link #reportFault}). */
    private volatile boolean faulted;
    private volatile java.util.function.Consumer<String> faultHandler = reason -> { };

    /** A device for port {@code portName} serving {@code queuePairs} (1..128) queue pairs. */
    public VhostDevice(String portName, int queuePairs) {
        if (queuePairs < 1 || queuePairs > MAX_QUEUE_PAIRS) {
            throw new IllegalArgumentException("queue pairs out of range: port=" + portName
                    + " queue-pairs=" + queuePairs + " max=" + MAX_QUEUE_PAIRS);
        }
        this.portName = portName;
        this.queuePairs = queuePairs;
        this.rings = new VringConfig[2 * queuePairs];
        this.dirtyLog = new DirtyLog(2 * queuePairs);
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new VringConfig(i);
        }
    }

    /** The configured port name. */
    public String portName() {
        return portName;
    }

    /** The port's configured queue pairs (GET_QUEUE_NUM); rings are 0 .. 2 × queuePairs − 1. */
    public int queuePairs() {
        return queuePairs;
    }

    /** Number of rings, 2 × queue pairs. */
    public int ringCount() {
        return rings.length;
    }

    /** Negotiated virtio features (SET_FEATURES), bit 30 included; 0 before SET_FEATURES. */
    public long features() {
        return features;
    }

    /** Whether virtio feature {@code bit} was negotiated. */
    public boolean hasFeature(int bit) {
        return (features & (1L << bit)) != 0;
    }

    /** virtio-net header length for the negotiated features (10 or 12). */
    public int headerLength() {
        return VirtioNetFeatures.headerLength(features);
    }

    /** VIRTIO_NET_F_MRG_RXBUF (bit 15) negotiated. */
    public boolean mergeable() {
        return hasFeature(15);
    }

    /** VIRTIO_RING_F_EVENT_IDX (bit 29) negotiated. */
    public boolean eventIdx() {
        return hasFeature(29);
    }

    /** VIRTIO_F_RING_PACKED (bit 34) negotiated: every ring is a packed virtqueue. */
    public boolean packed() {
        return hasFeature(34);
    }

    /** VIRTIO_F_IN_ORDER (bit 35) negotiated: guest TX rings return their chains in IN_ORDER batches. */
    public boolean inOrder() {
        return hasFeature(35);
    }

    /** VIRTIO_RING_F_INDIRECT_DESC (bit 28) negotiated. */
    public boolean indirect() {
        return hasFeature(28);
    }

    /** The current guest-memory table (volatile read); {@link GuestMemory#EMPTY} before SET_MEM_TABLE. */
    public GuestMemory memory() {
        return memory;
    }

    /** MTU from NET_SET_MTU, or 0 when the front end sent none. */
    public int mtu() {
        return mtu;
    }

    /**
     * Whether the data plane found this front end's guest memory faulting (a mapped region's file was shrunk
     * under it). Volatile: every worker checks it before it touches the device's memory again.
     */
    public boolean faulted() {
        return faulted;
    }

    /**
     * Called by the data plane (any thread) when this front end's guest memory faulted: marks the device
     * {@link #faulted()} (its rings stop taking work) and, the first time, asks the connection to close
     * (the handler runs on the caller's thread and must only schedule the disconnect). Never blocks.
     */
    public void reportFault(String reason) {
        if (FAULTED.compareAndSet(this, false, true)) {
            faultHandler.accept(reason);
        }
    }

    /** Installs what {@link #reportFault} calls (the transport: a disconnect on the connection's event loop). */
    public void onFault(java.util.function.Consumer<String> handler) {
        faultHandler = handler;
    }

    /** Dirty-page logging state (live migration): the log bitmap, LOG_ALL, the rings' used-ring log addresses. */
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    /** Ring {@code index}'s configuration. */
    public VringConfig ring(int index) {
        return rings[index];
    }

    void features(long v) {
        features = v;
    }

    /** Publishes a new table and returns the previous one (the caller unmaps it after a quiesce). */
    GuestMemory swapMemory(GuestMemory m) {
        GuestMemory old = memory;
        memory = m;
        return old;
    }

    void mtu(int v) {
        mtu = v;
    }

    private static final java.lang.invoke.VarHandle FAULTED;

    static {
        try {
            FAULTED = java.lang.invoke.MethodHandles.lookup().findVarHandle(VhostDevice.class, "faulted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public String toString() {
        return "VhostDevice[port=" + portName + " queue-pairs=" + queuePairs + " features=0x"
                + Long.toHexString(features) + " regions=" + memory.regionCount() + "]";
    }
}
