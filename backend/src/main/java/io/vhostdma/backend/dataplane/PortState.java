package io.vhostdma.backend.dataplane;

import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.vhost.protocol.VhostDevice;

/**
 * One configured port as the data plane sees it: its id in the switch, its counters, the device of
 * the current connection (or null) and the started RX rings by queue pair.
 *
 * <p>{@link #rx} slots are written only by the worker owning that queue pair (on attach/detach
 * commands) and read by workers that forward into the port; a reader on another worker only uses
 * the slot to find the owner ({@link RingContext#owner}) and never touches the ring itself.
 */
public final class PortState {
    private final int id;
    private final String name;
    private final int queuePairs;
    private final PortCounters counters;
    private final RingContext[] rx;
    private volatile VhostDevice device;

    public PortState(int id, String name, int queuePairs) {
        this.id = id;
        this.name = name;
        this.queuePairs = queuePairs;
        this.counters = new PortCounters(name, queuePairs);
        this.rx = new RingContext[queuePairs];
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

    /** The started RX ring of queue pair {@code q}, or null. Acquire: pairs with {@link #setRx}. */
    RingContext rx(int q) {
        return (RingContext) RX.getAcquire(rx, q);
    }

    void setRx(int q, RingContext ring) {
        RX.setRelease(rx, q, ring);
    }

    private static final java.lang.invoke.VarHandle RX =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(RingContext[].class);
}
