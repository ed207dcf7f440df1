package io.vhostdma.backend.reactive;

import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PacketTap;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.dataplane.WakeSignal;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

/**
 * One receive subscription: installs a {@link PacketTap} on the port (its guest TX frames leave the
 * switch), turns published slots into {@link PacketBatch}es viewing the slots, and frees a batch's slots
 * when the next batch is emitted (polls run only while the subscriber's demand for another batch exists)
 * or the subscription ends. An idle source sleeps until a worker's burst published frames into the tap and
 * raised its {@link WakeSignal} (no timer).
 * Runs on the reactive context; {@link #end()} may be called from any thread.
 */
final class TapSource implements PolledMulti.Source<PacketBatch> {
    /** Most frames per batch. */
    static final int MAX_BATCH = 64;

    private final PortState port;
    private final DataPlaneImpl plane;
    private final PacketTap tap;
    private final Notifier notifier;
    private final WakeSignal signal;
    private final long[] cursor;
    private final long[] addresses = new long[MAX_BATCH];
    private final int[] lengths = new int[MAX_BATCH];
    private PacketBatch outstanding;
    private int nextQueuePair;
    private volatile boolean ended;
    private volatile boolean closed;
    private Runnable wake;

    TapSource(PortState port, DataPlaneImpl plane, int slots, Notifier notifier) {
        this.port = port;
        this.plane = plane;
        this.tap = new PacketTap(port.queuePairs(), slots);
        this.cursor = new long[port.queuePairs()];
        this.notifier = notifier;
        this.signal = notifier.signal(this::wakeUp);
        tap.signalWith(signal); // before the install: every worker that sees the tap sees the signal
        if (!port.installTap(tap)) {
            notifier.remove(signal);
            tap.close();
            throw new ControlException(ControlException.Code.ALREADY_EXISTS, "port already has a receiver: port="
                    + port.name() + " (one receive subscription per port at a time)");
        }
    }

    @Override
    public void start(Runnable wakeup) {
        this.wake = wakeup;
    }

    private void wakeUp() {
        Runnable w = wake;
        if (w != null) {
            w.run();
        }
    }

    /** Arms the tap's signal, then re-checks every queue pair for frames published meanwhile. */
    @Override
    public boolean sleep() {
        signal.arm();
        for (int q = 0; q < cursor.length; q++) {
            if (tap.published(q) != cursor[q]) {
                signal.disarm();
                return false;
            }
        }
        return true;
    }

    /** Ends the subscription: the Multi completes at the next poll (any thread). */
    void end() {
        ended = true;
        if (wake != null) {
            wake.run();
        }
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public PacketBatch poll() {
        int qps = cursor.length;
        int n = 0;
        for (int i = 0; i < qps && n < MAX_BATCH; i++) {
            int q = (nextQueuePair + i) % qps;
            long end = tap.published(q); // acquire: the slots before it are fully written
            for (; cursor[q] < end && n < MAX_BATCH; cursor[q]++, n++) {
                addresses[n] = tap.address(q, cursor[q]);
                lengths[n] = tap.length(q, cursor[q]);
            }
        }
        nextQueuePair = (nextQueuePair + 1) % qps;
        if (n == 0) {
            return null;
        }
        releaseOutstanding(); // the subscriber asked for another batch and it exists: the previous one ends
        Arena arena = Arena.ofShared(); // shared: the subscriber may read the batch on another thread
        MemorySegment[] segments = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            segments[i] = MemorySegment.ofAddress(addresses[i]).reinterpret(lengths[i], arena, null).asReadOnly();
        }
        outstanding = new PacketBatch(port.name(), segments, arena, cursor.clone());
        return outstanding;
    }

    private void releaseOutstanding() {
        PacketBatch b = outstanding;
        if (b != null) {
            outstanding = null;
            b.release(); // closes the arena first: no view of the slots stays readable
            for (int q = 0; q < b.ends.length; q++) {
                tap.releaseUpTo(q, b.ends[q]);
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        notifier.remove(signal);
        if (outstanding != null) {
            outstanding.release();
            outstanding = null;
        }
        port.removeTap(tap); // the port goes back on the switch from each worker's next burst
        // one quiescent point of every worker later none still writes the tap: free its slots
        return plane.quiesce().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .handle((v, e) -> {
                    if (e == null) {
                        tap.close();
                    }
                    return null;
                });
    }
}
