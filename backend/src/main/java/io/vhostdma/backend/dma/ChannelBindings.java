package io.vhostdma.backend.dma;

import io.vhostdma.backend.dataplane.ChannelBinding;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.QueueRef;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Which DMA channel each queue is bound to, and which queue holds each channel: the one place both live, keyed
 * by type — a queue of a port ({@link PortQueue}) and a channel ({@link ChannelRef}) — instead of
 * {@code "port/ring"} and {@code "dev/ch"} strings in maps shared with callers. A channel has one holder at a
 * time (a channel has one producer). Thread-safe: every method holds this object's lock; the maps never leave it.
 */
public final class ChannelBindings {
    /**
     * A queue of a port.
     *
     * @param port  the port's name
     * @param queue the queue
     */
    public record PortQueue(String port, QueueRef queue) {
        /** The queue of {@code port} for vring {@code ringIndex}. */
        public static PortQueue ofRing(String port, int ringIndex) {
            return new PortQueue(port, QueueRef.ofRing(ringIndex));
        }

        /** {@code port/queue}, as logs and views write it. */
        @Override
        public String toString() {
            return port + "/" + queue;
        }
    }

    private final Map<PortQueue, ChannelBinding> bindings = new HashMap<>();
    private final Map<ChannelRef, PortQueue> holders = new HashMap<>();

    /** The binding {@code q} gets at its next start, or null (CPU copies). */
    public synchronized ChannelBinding binding(PortQueue q) {
        return bindings.get(q);
    }

    /** Records the binding {@code q} gets at its next start (null: CPU copies); the channel stays reserved. */
    public synchronized void bind(PortQueue q, ChannelBinding b) {
        if (b == null) {
            bindings.remove(q);
        } else {
            bindings.put(q, b);
        }
    }

    /**
     * Reserves {@code ch} for {@code q}.
     *
     * @return null when reserved now (or already held by {@code q}), else the queue that holds it
     */
    public synchronized PortQueue reserve(ChannelRef ch, PortQueue q) {
        PortQueue prev = holders.putIfAbsent(ch, q);
        return prev == null || prev.equals(q) ? null : prev;
    }

    /** Releases {@code ch} if {@code q} holds it. */
    public synchronized void release(ChannelRef ch, PortQueue q) {
        holders.remove(ch, q);
    }

    /** The queue holding {@code ch}, or null. */
    public synchronized PortQueue holder(ChannelRef ch) {
        return holders.get(ch);
    }

    /** Forgets a removed port's bindings and releases the channels its queues held. */
    public synchronized void removePort(String port) {
        bindings.keySet().removeIf(q -> q.port().equals(port));
        for (Iterator<PortQueue> it = holders.values().iterator(); it.hasNext(); ) {
            if (it.next().port().equals(port)) {
                it.remove();
            }
        }
    }
}
