package io.vhostdma.backend.reactive;

import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PacketTap;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.dataplane.WakeSignal;
import io.vhostdma.vhost.offload.OffloadHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One receive subscription: installs a {@link PacketTap} on the port (its guest TX frames leave the
 * switch), turns published slots into {@link PacketBatch}es viewing the slots, and frees a batch's slots
 * when the next batch is emitted (polls run only while the subscriber's demand for another batch exists)
 * or the subscription ends. An idle source sleeps until a worker's burst published frames into the tap and
 * raised its {@link WakeSignal} (no timer).
 * In lending mode ({@link VhostBackend#receiveLent}) a batch views the guest's own buffers: the worker holds their
 * chains until the subscriber releases the batch ({@link PacketBatch#release}, any thread, any order); positions
 * go back to the worker in order, up to the oldest batch not yet released. A batch the tap's window was revoked
 * under (ring stop, memory-table change, disconnect) is invalid and counts as released.
 * With {@link ReceiveOptions#keepOffloads()} the tap keeps each frame's offload fields (and a frame larger than a
 * slot takes a run of positions): a batch copies them out of the tap's per-slot holders into one int array, only
 * when one of its frames has some.
 * Runs on the reactive context; {@link #end()} and the lent batches' release may be called from any thread.
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
    /** Offload mode: the polled frames' offload fields ({@link PacketBatch#FIELDS} each), and whether any has some. */
    private final int[] fields = new int[MAX_BATCH * PacketBatch.FIELDS];
    private boolean anyOffload;
    private PacketBatch outstanding;
    private final boolean lending;
    /** Lending mode, guarded by this: batches not yet released (emission order); positions freed so far. */
    private final ArrayDeque<PacketBatch> lent = new ArrayDeque<>();
    private final long[] freed;
    private final long[] starts;
    private long seenRevokes;
    private long invalidatedFrames;
    private int nextQueuePair;
    private volatile boolean ended;
    private volatile boolean closed;
    private Runnable wake;

    TapSource(PortState port, DataPlaneImpl plane, int slots, Notifier notifier, boolean lending,
              ReceiveOptions options) {
        this.port = port;
        this.plane = plane;
        this.lending = lending;
        this.tap = new PacketTap(port.queuePairs(), slots, lending, options.keepOffloads());
        this.cursor = new long[port.queuePairs()];
        this.freed = new long[port.queuePairs()];
        this.starts = new long[port.queuePairs()];
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
        return lending ? pollLent() : pollCopied();
    }

    private PacketBatch pollCopied() {
        int qps = cursor.length;
        int n = 0;
        anyOffload = false;
        for (int i = 0; i < qps && n < MAX_BATCH; i++) {
            int q = (nextQueuePair + i) % qps;
            long end = tap.published(q); // acquire: the slots before it are fully written
            for (; cursor[q] < end && n < MAX_BATCH; n++) {
                cursor[q] = take(q, cursor[q], n);
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
        outstanding = new PacketBatch(port.name(), segments, arena, cursor.clone(), batchFields(n));
        return outstanding;
    }

    /** Lending mode: the next batch viewing the guest's buffers through the tap's current window, or null. */
    private synchronized PacketBatch pollLent() {
        if (tap.revokes() != seenRevokes) {
            seenRevokes = tap.revokes();
            invalidate();
        }
        MemorySegment window = tap.window(); // first: positions revoked before it was opened are skipped below
        int qps = cursor.length;
        int n = 0;
        anyOffload = false;
        for (int i = 0; i < qps && n < MAX_BATCH; i++) {
            int q = (nextQueuePair + i) % qps;
            cursor[q] = Math.max(cursor[q], tap.revokedUpTo(q)); // acquire; their chains went back already
            starts[q] = cursor[q];
            long end = tap.published(q); // acquire: the positions before it are fully written
            for (; cursor[q] < end && n < MAX_BATCH; n++) {
                cursor[q] = take(q, cursor[q], n);
            }
        }
        nextQueuePair = (nextQueuePair + 1) % qps;
        if (n == 0) {
            freeReleased(); // revoked positions skipped above are free again
            return null;
        }
        PacketBatch b = new PacketBatch(port.name(), window, Arrays.copyOf(addresses, n), Arrays.copyOf(lengths, n),
                this, starts.clone(), cursor.clone(), batchFields(n));
        lent.add(b);
        return b;
    }

    /** Reads the frame published at {@code position} of queue pair {@code q} as frame {@code n}; returns the next. */
    private long take(int q, long position, int n) {
        addresses[n] = tap.address(q, position);
        lengths[n] = tap.length(q, position);
        OffloadHeader h = tap.offload(q, position); // null unless the tap keeps offloads
        if (h != null) {
            int at = n * PacketBatch.FIELDS;
            fields[at] = h.flags();
            fields[at + 1] = h.gsoType();
            fields[at + 2] = h.hdrLen();
            fields[at + 3] = h.gsoSize();
            fields[at + 4] = h.csumStart();
            fields[at + 5] = h.csumOffset();
            anyOffload |= !h.plain();
        }
        return position + tap.span(q, position); // a frame larger than a slot took a run of positions
    }

    /** The offload fields of the {@code n} frames just polled, or null when none has any (no array allocated). */
    private int[] batchFields(int n) {
        return anyOffload ? Arrays.copyOf(fields, n * PacketBatch.FIELDS) : null;
    }

    /** Lending mode: batches whose window was revoked are invalid; they count as released. */
    private void invalidate() {
        for (PacketBatch b : lent) {
            if (!b.windowAlive() && b.markReleased()) {
                invalidatedFrames += b.size();
            }
        }
        freeReleased();
    }

    /** Lending mode, any thread: a batch was released; frees the positions before the oldest one still held. */
    synchronized void released() {
        if (!closed) { // after the end every position was freed, and the workers may be gone
            freeReleased();
        }
    }

    private void freeReleased() {
        while (!lent.isEmpty() && lent.peekFirst().isReleased()) {
            lent.pollFirst();
        }
        PacketBatch oldest = lent.peekFirst();
        for (int q = 0; q < cursor.length; q++) {
            long upTo = oldest == null ? cursor[q] : oldest.starts[q];
            if (upTo > freed[q]) {
                freed[q] = upTo;
                tap.releaseUpTo(q, upTo); // release store: our reads of those buffers are done
                plane.wakeOwner(2 * q + 1); // its worker gives the chains back at its next duty cycle
            }
        }
    }

    /** Lending mode: what this receiver holds and what the bound and revokes did. */
    synchronized LendingStats lendingStats() {
        long frames = 0;
        for (PacketBatch b : lent) {
            frames += b.isReleased() ? 0 : b.size();
        }
        long stalls = 0;
        for (int q = 0; q < cursor.length; q++) {
            stalls += tap.stalls(q);
        }
        return new LendingStats(lent.size(), frames, stalls, tap.revokes(), invalidatedFrames);
    }

    boolean lends() {
        return lending;
    }

    String portName() {
        return port.name();
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

    /**
     * Lending mode, at the end: every lent view is invalidated (the window closed), then every position is freed;
     * once the tap is removed the workers give back the chains still lent.
     */
    private void endLending() {
        tap.revoke();
        synchronized (this) {
            for (PacketBatch b : lent) {
                b.markReleased();
            }
            lent.clear();
            for (int q = 0; q < cursor.length; q++) {
                freed[q] = tap.published(q);
                tap.releaseUpTo(q, freed[q]);
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
        if (lending) {
            endLending();
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
