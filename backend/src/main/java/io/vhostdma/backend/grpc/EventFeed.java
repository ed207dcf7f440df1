package io.vhostdma.backend.grpc;

import io.vertx.core.Context;
import io.vertx.core.streams.WriteStream;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.proto.Event;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One event stream's hand-over from the publishing control thread to the stream's Vert.x context.
 * {@link #accept} (called by the event hub under its lock) only appends to a bounded queue and, when
 * no drain is pending, schedules one; it never blocks and never writes to the network. The drain runs
 * on the stream's context and writes until the queue is empty or the stream's write queue is full
 * (then it resumes from the stream's drain handler). Events arriving while the queue is full are
 * counted, not kept; the stream then receives one {@code events_lost} event (count, last lost
 * sequence) at the point where the loss happened, so it can tell a gap from silence.
 */
final class EventFeed implements Consumer<BackendEvent> {
    private final Context context;
    private final WriteStream<Event> out;
    private final int capacity;
    private final ArrayDeque<BackendEvent> queue = new ArrayDeque<>();
    private final Runnable onClose;
    private long lost;
    private long lastLostSequence;
    private long lastLostTime;
    private boolean drainPending;
    private boolean closed;
    private AutoCloseable subscription;

    /**
     * @param context  the stream's context, where every write happens
     * @param out      the stream
     * @param capacity events kept at most while the stream is behind
     * @param onClose  run once when the feed closes (after it unsubscribed)
     */
    EventFeed(Context context, WriteStream<Event> out, int capacity, Runnable onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity must be positive: capacity=" + capacity);
        }
        this.context = context;
        this.out = out;
        this.capacity = capacity;
        this.onClose = onClose;
        out.drainHandler(v -> drain());
    }

    /** Records the hub subscription, closed with the feed. */
    synchronized void subscription(AutoCloseable s) {
        if (closed) {
            closeQuietly(s);
        } else {
            subscription = s;
        }
    }

    /** Takes one event from the publisher: queued, or counted as lost when the queue is full. */
    @Override
    public void accept(BackendEvent e) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                lost++;
                lastLostSequence = e.sequence();
                lastLostTime = e.timeMillis();
                return;
            }
            if (lost > 0) {
                queue.add(lostMarker());
            }
            queue.add(e);
            if (drainPending) {
                return;
            }
            drainPending = true;
        }
        context.runOnContext(v -> drain());
    }

    private BackendEvent lostMarker() {
        BackendEvent marker = new BackendEvent.EventsLost(lastLostSequence, lastLostTime, lost);
        lost = 0;
        return marker;
    }

    /** Writes queued events on the stream's context while the stream takes them. */
    void drain() {
        while (true) {
            BackendEvent e;
            synchronized (this) {
                if (closed || out.writeQueueFull()) {
                    return; // the drain handler resumes; drainPending stays set so accept() does not schedule
                }
                e = queue.poll();
                if (e == null && lost > 0) {
                    e = lostMarker();
                }
                if (e == null) {
                    drainPending = false;
                    return;
                }
            }
            out.write(EventMessages.toProto(e)).onFailure(err -> close());
        }
    }

    /** Unsubscribes and drops whatever is queued; idempotent. */
    void close() {
        AutoCloseable s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            closeQuietly(s);
        }
        onClose.run();
    }

    /** Whether the feed was closed. */
    synchronized boolean isClosed() {
        return closed;
    }

    private static void closeQuietly(AutoCloseable s) {
        try {
            s.close();
        } catch (Exception ignored) {
            // EventHub's handle only removes a listener
        }
    }
}
