package io.vhostdma.backend.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Numbers and fans out a backend's events. {@link #publish} is called by control-plane threads (event
 * loops, management calls) and by a worker completing a control command, never per packet; it assigns the next sequence under a lock
 * and calls every listener, in subscription order, while holding it, so each listener sees events in
 * sequence order. Listeners must return quickly and never block: one that needs another thread hands
 * the event over through its own bounded queue.
 */
public final class EventHub {
    private final List<Consumer<BackendEvent>> listeners = new CopyOnWriteArrayList<>();
    private long sequence;

    /** Publishes one event and returns it. */
    public synchronized BackendEvent publish(BackendEvent.Factory factory) {
        BackendEvent e = factory.make(++sequence, System.currentTimeMillis());
        for (Consumer<BackendEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                System.getLogger("io.vhostdma.events").log(System.Logger.Level.WARNING,
                        "event listener failed: event=" + e.type() + " error=" + ex);
            }
        }
        return e;
    }

    /** The sequence of the last event published (0 before the first). */
    public synchronized long lastSequence() {
        return sequence;
    }

    /**
     * Adds a listener for every later event; close the returned handle to remove it. Subscribing takes
     * the publication lock, so no event is delivered twice or skipped across the subscription point.
     */
    public synchronized AutoCloseable subscribe(Consumer<BackendEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
