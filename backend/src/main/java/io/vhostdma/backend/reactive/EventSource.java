package io.vhostdma.backend.reactive;

import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One events subscription: a listener on the hub puts each event into a bounded queue (never blocking
 * the publishing control thread); the reactive context drains it as demand allows. When the queue is
 * full, later events are counted instead and reported, in order, as one
 * {@link BackendEvent.EventsLost} (its sequence is the last lost event's) ahead of the next event kept.
 */
final class EventSource implements PolledMulti.Source<BackendEvent> {
    /** Events buffered per subscriber. */
    static final int CAPACITY = 1024;

    private final EventHub hub;
    private final int capacity;
    private final ArrayDeque<BackendEvent> queue = new ArrayDeque<>(); // guarded by itself
    private long lost; // guarded by queue
    private long lastLost; // guarded by queue
    private AutoCloseable subscription;
    private volatile boolean ended;
    private volatile boolean closed;
    private Runnable wake;

    EventSource(EventHub hub, int capacity) {
        this.hub = hub;
        this.capacity = capacity;
    }

    @Override
    public void start(Runnable wakeup) {
        this.wake = wakeup;
        this.subscription = hub.subscribe(this::offer);
    }

    /** The hub's listener: runs on a control thread while the hub holds its lock; never blocks. */
    private void offer(BackendEvent e) {
        synchronized (queue) {
            if (queue.size() >= capacity) {
                lost++;
                lastLost = e.sequence();
                return;
            }
            if (lost > 0) {
                queue.add(new BackendEvent.EventsLost(lastLost, System.currentTimeMillis(), lost));
                lost = 0;
            }
            queue.add(e);
        }
        wake.run();
    }

    /** Always: every event offered and the end run the wake-up. */
    @Override
    public boolean sleep() {
        return true;
    }

    @Override
    public BackendEvent poll() {
        synchronized (queue) {
            BackendEvent e = queue.poll();
            if (e == null && lost > 0) {
                e = new BackendEvent.EventsLost(lastLost, System.currentTimeMillis(), lost);
                lost = 0;
            }
            return e;
        }
    }

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

    boolean isClosed() {
        return closed;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            // the hub's handle only removes the listener
        }
        return CompletableFuture.completedFuture(null);
    }
}
