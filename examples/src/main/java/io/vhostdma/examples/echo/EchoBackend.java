package io.vhostdma.examples.echo;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vhostdma.backend.reactive.PacketBatch;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An embedded vhost-user back end that echoes every packet a guest sends back into the same guest.
 *
 * <pre>{@code
 * try (EchoBackend echo = EchoBackend.start(config)) {
 *     ... guests connect to the sockets of config.ports() and get their own frames back ...
 * }
 * }</pre>
 */
public final class EchoBackend implements AutoCloseable {
    /** How long {@link #start} and {@link #close} wait for the back end. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Batches each pipeline keeps in flight (received and being sent back). */
    static final int IN_FLIGHT = 4;
    private final VhostBackend backend;
    private final Map<String, Counters> counters = new LinkedHashMap<>();
    private final List<Cancellable> subscriptions = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private EchoBackend(VhostBackend backend) {
        this.backend = backend;
    }

    /**
     * Starts the back end described by {@code config} (its sockets are created when this returns) and
     * one echo pipeline per port.
     */
    public static EchoBackend start(VhostdConfig config) {
        EchoBackend echo = new EchoBackend(VhostBackend.start(config).await().atMost(TIMEOUT));
        for (PortConfig port : config.ports()) {
            echo.echo(port.name());
        }
        return echo;
    }

    /**
     * The echo pipeline of one port: receive a batch lending the guest's own TX buffers (zero copy), send it back
     * into the port and release it once the send completed (its descriptors go back to the guest). Up to
     * {@link #IN_FLIGHT} batches are in flight at once ({@code merge}); sends into one port complete in order.
     */
    private void echo(String port) {
        Counters c = new Counters();
        counters.put(port, c);
        subscriptions.add(backend.receiveLent(port)
                .onItem().transformToUni(batch -> sendBack(port, batch, c).eventually(batch::release))
                .merge(IN_FLIGHT)
                .subscribe().with(accepted -> { }, this::failed));
    }

    private io.smallrye.mutiny.Uni<Integer> sendBack(String port, PacketBatch batch, Counters c) {
        int size = batch.size();
        return backend.send(port, batch).invoke(accepted -> {
            c.echoed.add(accepted);
            c.dropped.add(size - accepted);
        });
    }

    private void failed(Throwable t) {
        failure.compareAndSet(null, t);
    }

    /** Packets sent back into {@code port}'s guest so far. */
    public long echoed(String port) {
        return counters.get(port).echoed.sum();
    }

    /** Packets {@code port}'s guest sent that its RX ring had no room for (dropped, not retried). */
    public long dropped(String port) {
        return counters.get(port).dropped.sum();
    }

    /** The ports being echoed, in config order. */
    public List<String> ports() {
        return List.copyOf(counters.keySet());
    }

    /** The first failure of any echo pipeline, or {@code null} while all of them run. */
    public Throwable failure() {
        return failure.get();
    }

    /** The underlying reactive back end (management, events). */
    public VhostBackend backend() {
        return backend;
    }

    /** Stops the pipelines, then the back end (its sockets are removed). */
    @Override
    public void close() {
        for (Cancellable s : subscriptions) {
            s.cancel();
        }
        subscriptions.clear();
        backend.close().await().atMost(TIMEOUT);
    }

    /** Per-port counters, written by the port's pipeline and read by anyone. */
    private static final class Counters {
        final LongAdder echoed = new LongAdder();
        final LongAdder dropped = new LongAdder();
    }
}
