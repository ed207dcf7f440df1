package io.vhostdma.backend.events;

import java.util.List;

/**
 * Something that happened in a running backend, as the management API, the reactive API and the
 * event log see it. Every event carries the hub's {@link #sequence()} (strictly increasing, one
 * counter per backend: subscribers see events in that order) and the wall-clock time it was
 * published. Queue names are the guest's view ({@code rxq0}, {@code txq0}); a channel is
 * {@code device/index}, or null for CPU copies.
 */
public sealed interface BackendEvent {
    /** Position in the backend's event order (1, 2, …). */
    long sequence();

    /** Wall-clock time of publication, in milliseconds since the epoch. */
    long timeMillis();

    /** The event's name in snake case, as the gRPC feed and vhostctl print it. */
    String type();

    /** A port was added (at start-up, or live). */
    record PortAdded(long sequence, long timeMillis, String port, String socket, String mode, int queuePairs)
            implements BackendEvent {
        public String type() {
            return "port_added";
        }
    }

    /** A port was removed live: its front end was disconnected and its socket closed. */
    record PortRemoved(long sequence, long timeMillis, String port) implements BackendEvent {
        public String type() {
            return "port_removed";
        }
    }

    /** A front end connected to the port. */
    record PortConnected(long sequence, long timeMillis, String port) implements BackendEvent {
        public String type() {
            return "port_connected";
        }
    }

    /** The port's front end went away; its session was torn down. */
    record PortDisconnected(long sequence, long timeMillis, String port, String reason) implements BackendEvent {
        public String type() {
            return "port_disconnected";
        }
    }

    /** The port's virtio features as negotiated when its first queue started in this connection. */
    record FeaturesNegotiated(long sequence, long timeMillis, String port, long features, List<String> names)
            implements BackendEvent {
        public String type() {
            return "features_negotiated";
        }
    }

    /** A queue started being served; {@code channel} is its DMA channel, or null for CPU copies. */
    record QueueStarted(long sequence, long timeMillis, String port, String queue, String channel)
            implements BackendEvent {
        public String type() {
            return "queue_started";
        }
    }

    /** A queue stopped being served (its copies drained). */
    record QueueStopped(long sequence, long timeMillis, String port, String queue) implements BackendEvent {
        public String type() {
            return "queue_stopped";
        }
    }

    /** A queue's DMA binding changed; {@code from}/{@code to} are channels, null meaning CPU copies. */
    record BindingChanged(long sequence, long timeMillis, String port, String queue, String from, String to)
            implements BackendEvent {
        public String type() {
            return "binding_changed";
        }
    }

    /** An access group's membership changed: {@code change} is created, joined, left or destroyed. */
    record MembershipChanged(long sequence, long timeMillis, String group, String port, String change)
            implements BackendEvent {
        public String type() {
            return "membership_changed";
        }
    }

    /** A port's request to join a group was refused (wrong token, unknown group, …); it stays out. */
    record JoinRefused(long sequence, long timeMillis, String group, String port, String reason)
            implements BackendEvent {
        public String type() {
            return "join_refused";
        }
    }

    /**
     * Copies on a queue's channel failed since the last report ({@code errors}); {@code total} is the
     * queue's count so far. Reported at most once a second per queue.
     */
    record DmaErrors(long sequence, long timeMillis, String port, String queue, String channel, long errors,
                     long total) implements BackendEvent {
        public String type() {
            return "dma_errors";
        }
    }

    /**
     * This subscriber fell behind and {@code count} events were not delivered to it (its buffer is
     * bounded); {@code sequence} is the last one lost.
     */
    record EventsLost(long sequence, long timeMillis, long count) implements BackendEvent {
        public String type() {
            return "events_lost";
        }
    }

    /** Builds an event once the hub assigned its sequence and time. */
    @FunctionalInterface
    interface Factory {
        BackendEvent make(long sequence, long timeMillis);
    }
}
