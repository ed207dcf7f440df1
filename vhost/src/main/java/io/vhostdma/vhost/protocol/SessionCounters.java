package io.vhostdma.vhost.protocol;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-port control-plane counters. Written on the port's event loop, read by any thread (stats,
 * management): every counter is an atomic, and a reader sees each value individually, not a
 * consistent snapshot.
 */
public final class SessionCounters {
    private final LongAdder messages = new LongAdder();
    private final AtomicLongArray byRequest = new AtomicLongArray(64);
    private final AtomicLongArray errors = new AtomicLongArray(ProtocolException.Kind.values().length);
    private final LongAdder protocolCloses = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder disconnects = new LongAdder();

    /** Messages handled successfully. */
    public long messages() {
        return messages.sum();
    }

    /** Messages of one request id handled successfully (ids ≥ 64 are not counted). */
    public long messages(int request) {
        return request >= 0 && request < byRequest.length() ? byRequest.get(request) : 0;
    }

    /** Protocol errors of one kind. */
    public long errors(ProtocolException.Kind kind) {
        return errors.get(kind.ordinal());
    }

    /** Protocol errors of every kind. */
    public long errorsTotal() {
        long sum = 0;
        for (int i = 0; i < errors.length(); i++) {
            sum += errors.get(i);
        }
        return sum;
    }

    /** Connections closed because the front end broke the protocol. */
    public long connectionsClosedForProtocolErrors() {
        return protocolCloses.sum();
    }

    /** Connections established (accepted or connected). */
    public long connections() {
        return connections.sum();
    }

    /** Connections refused because another front end was already connected. */
    public long connectionsRefused() {
        return refused.sum();
    }

    /** Connections that ended, for any reason. */
    public long disconnects() {
        return disconnects.sum();
    }

    void messageHandled(int request) {
        messages.increment();
        if (request >= 0 && request < byRequest.length()) {
            byRequest.incrementAndGet(request);
        }
    }

    /** Records a protocol error that closed a connection. */
    public void protocolError(ProtocolException.Kind kind) {
        errors.incrementAndGet(kind.ordinal());
        protocolCloses.increment();
    }

    /** Records an established connection. */
    public void connected() {
        connections.increment();
    }

    /** Records a refused connection. */
    public void refused() {
        refused.increment();
    }

    /** Records a finished connection. */
    public void disconnected() {
        disconnects.increment();
    }
}
