package io.vhostdma.backend.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vhostdma.backend.Vhostd;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.VhostdConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The reactive (Mutiny) face of an embedded backend: start and close it without blocking the caller,
 * watch its events, take a port's guest TX frames off the switch ({@link #receive}) and send frames into
 * a port's guest ({@link #send}). Every item, completion and failure is delivered on one Vert.x
 * event-loop context owned by this object (never on a data-plane worker, never on the control plane's
 * loops); subscriber code must not block it. See {@code docs/reactive.md}.
 */
public final class VhostBackend {
    /** Receive ring slots per queue pair (each holds a frame up to 10 KiB). */
    public static final int RECEIVE_SLOTS = 512;
    /** Most frames a lending receiver holds per queue pair ({@link #receiveLent}); beyond, the guest waits. */
    public static final int LEND_SLOTS = 128;
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private final Vhostd vhostd;
    private final Vertx vertx;
    private final Context context;
    /** Turns worker signals into wake-ups on {@link #context} (receivers and senders sleep without timers). */
    private final Notifier notifier = new Notifier();
    /** Per port, created on first send; confined to {@link #context}. */
    private final Map<String, PortSender> senders = new HashMap<>();
    private final Set<TapSource> taps = ConcurrentHashMap.newKeySet();
    private final Set<EventSource> eventSources = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> sourceCloses = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean closing;

    private VhostBackend(Vhostd vhostd) {
        this.vhostd = vhostd;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        this.context = vertx.getOrCreateContext();
    }

    /** Starts a backend from {@code config} on a new thread; its stats lines are discarded. */
    public static Uni<VhostBackend> start(VhostdConfig config) {
        return start(config, DISCARD);
    }

    /** Starts a backend from {@code config} on a new thread, printing vhostd's banner and stats to {@code out}. */
    public static Uni<VhostBackend> start(VhostdConfig config, PrintStream out) {
        return offThread(() -> config, out);
    }

    /**
     * Loads {@code configFile} and starts a backend, both on a new thread; an invalid file fails the Uni
     * with the loader's {@link ConfigException} (one {@code path: message} line per problem).
     */
    public static Uni<VhostBackend> start(Path configFile) {
        return offThread(() -> {
            try {
                return ConfigLoader.load(configFile);
            } catch (ConfigException e) {
                throw new ConfigFailure(e);
            }
        }, DISCARD);
    }

    private static Uni<VhostBackend> offThread(Supplier<VhostdConfig> config, PrintStream out) {
        return Uni.createFrom().emitter(em -> Thread.ofPlatform().name("vhost-backend-start").daemon(true).start(() -> {
            Vhostd d = null;
            try {
                d = Vhostd.start(config.get(), out);
                em.complete(new VhostBackend(d));
            } catch (ConfigFailure e) {
                em.fail(e.getCause());
            } catch (RuntimeException e) {
                if (d != null) {
                    d.close();
                }
                em.fail(e);
            }
        }));
    }

    /** The running daemon (data plane, DMA runtime, counters). */
    public Vhostd vhostd() {
        return vhostd;
    }

    /** What an operator can see and steer: ports, queues, channels, groups, live changes. */
    public Management management() {
        return vhostd.management();
    }

    /**
     * The backend's events from the moment of subscription, in sequence order, with back-pressure. Each
     * subscriber has its own buffer of {@value EventSource#CAPACITY} events; while it is full, further
     * events are counted and reported as one {@link BackendEvent.EventsLost} (its sequence is the last
     * lost event's) before the next event delivered. Completes when the backend closes.
     */
    public Multi<BackendEvent> events() {
        return PolledMulti.create(context, this::openEvents, this::track);
    }

    private EventSource openEvents() {
        checkOpen();
        EventSource e = new EventSource(vhostd.management().events(), EventSource.CAPACITY);
        eventSources.removeIf(EventSource::isClosed);
        eventSources.add(e);
        if (closing) {
            e.end();
        }
        return e;
    }

    /** The Vert.x context every item and result of this object is delivered on. */
    public Context context() {
        return context;
    }

    /**
     * The guest TX frames of {@code port}, taken off the switch while subscribed, as batches of up to 64
     * frames with back-pressure. The owning worker copies each frame into a bounded ring per queue pair
     * ({@value #RECEIVE_SLOTS} slots of 10 KiB); a frame finding the ring full, or larger than a slot, is
     * dropped and counted {@code receiver_full} on the port's {@code txq} counters. Order is kept per queue
     * pair. A batch's buffers stay valid until the subscriber requests the next batch (see
     * {@link PacketBatch}). Cancelling removes the tap: the port goes back on the switch and the slots are
     * freed. One subscriber per port at a time: another subscription fails with a {@link ControlException}
     * ({@code ALREADY_EXISTS}); an unknown port fails with {@code NOT_FOUND}. Completes when the backend
     * closes.
     */
    public Multi<PacketBatch> receive(String port) {
        return receive(port, ReceiveOptions.DEFAULT);
    }

    /**
     * {@link #receive(String)} with {@code options}: with {@link ReceiveOptions#OFFLOADS} a frame the guest sent with
     * a partial checksum or as a TSO frame arrives unmodified (a TSO frame whole, up to 64 KiB, in a run of slots)
     * with its offload fields ({@link PacketBatch#offloadFlags} ...), instead of completed or segmented.
     */
    public Multi<PacketBatch> receive(String port, ReceiveOptions options) {
        return PolledMulti.create(context, () -> openTap(port, false, options), this::track);
    }

    /**
     * Like {@link #receive}, but zero copy: each batch lends the guest's own TX buffers, whose descriptors stay
     * held until the subscriber calls {@link PacketBatch#release()} (any thread, any order; {@link #send} of a
     * lent batch copies its frames, so release once its Uni completed). At most {@value #LEND_SLOTS} frames are
     * lent per queue pair: at that bound the worker stops taking the guest's TX chains (back-pressure on the
     * guest, counted in {@link LendingStats#stalls()}) until batches are released. A frame in several buffers is
     * copied into a slot instead (still released the same way). The backend invalidates outstanding batches
     * (access throws {@link IllegalStateException}, the descriptors go back) when the guest's ring stops, its
     * memory table changes or it disconnects; cancelling invalidates them too.
     */
    public Multi<PacketBatch> receiveLent(String port) {
        return receiveLent(port, ReceiveOptions.DEFAULT);
    }

    /**
     * {@link #receiveLent(String)} with {@code options}: with {@link ReceiveOptions#OFFLOADS} a frame with offload
     * fields is lent as the guest sent it (or copied into a run of slots when it is in several buffers), with its
     * fields, instead of completed or segmented into slots.
     */
    public Multi<PacketBatch> receiveLent(String port, ReceiveOptions options) {
        return PolledMulti.create(context, () -> openTap(port, true, options), this::track);
    }

    /** The lending receiver of {@code port}: what it holds and what its bound and invalidations did; null if none. */
    public LendingStats lending(String port) {
        for (TapSource t : taps) {
            if (t.lends() && !t.isClosed() && t.portName().equals(port)) {
                return t.lendingStats();
            }
        }
        return null;
    }

    private TapSource openTap(String name, boolean lending, ReceiveOptions options) {
        checkOpen();
        PortState p = vhostd.dataPlane().port(name);
        if (p == null) {
            throw new ControlException(ControlException.Code.NOT_FOUND, "unknown port: port=" + name);
        }
        TapSource t = new TapSource(p, vhostd.dataPlane(), lending ? LEND_SLOTS : RECEIVE_SLOTS, notifier, lending,
                options);
        taps.removeIf(TapSource::isClosed);
        taps.add(t);
        if (closing) {
            t.end();
        }
        return t;
    }

    private void track(CompletableFuture<Void> sourceClosed) {
        sourceCloses.add(sourceClosed);
        sourceClosed.whenComplete((v, e) -> sourceCloses.remove(sourceClosed));
    }

    /**
     * Sends {@code batch} into the guest RX queue of queue pair 0 of {@code port}. Completes, after the
     * sends queued before it on the same port, once every frame's copy (CPU or DMA) landed in guest
     * memory and the used ring was published, or the frame was dropped; the item is the number delivered.
     * Drops are counted on the port's {@code rxq0} counters with their reasons, as for forwarded frames
     * ({@code rx_no_buffers}, {@code rx_not_ready}, {@code rx_too_big} for frames over 64 KiB of IP packet or the
     * guest's MTU, {@code dma_error}, ...). The frames are copied into the port's bounded send ring as room
     * frees; at most {@value PortSender#MAX_QUEUED_FRAMES} frames may wait per port, beyond that the Uni
     * fails. A received batch passed here must stay valid until the Uni completes. Each frame goes with its offload
     * fields ({@link PacketBatch#offloadFlags} ..., a received or an owned batch's), validated like a guest's TX
     * header ({@code tx_bad_offload}) and handed to the guest as it negotiated them (else done in software).
     */
    public Uni<Integer> send(String port, PacketBatch batch) {
        return Uni.createFrom().emitter(em -> {
            if (closing) {
                em.fail(closedError(port));
                return;
            }
            if (Vertx.currentContext() == context) {
                submit(port, batch, em); // already on the context (e.g. from a receive stream): no extra hop
            } else {
                context.runOnContext(v -> submit(port, batch, em));
            }
        });
    }

    private void submit(String port, PacketBatch batch, UniEmitter<? super Integer> em) {
        if (closing) {
            em.fail(closedError(port));
            return;
        }
        PortSender s;
        try {
            s = sender(port);
        } catch (ControlException e) {
            em.fail(e);
            return;
        }
        s.submit(batch, em);
    }

    /** {@link #send(String, PacketBatch)} of each buffer's remaining bytes (copied now). */
    public Uni<Integer> send(String port, List<ByteBuffer> frames) {
        return send(port, PacketBatch.copyOf(frames));
    }

    private PortSender sender(String port) {
        DataPlaneImpl plane = vhostd.dataPlane();
        PortState p = plane.port(port);
        if (p == null) {
            throw new ControlException(ControlException.Code.NOT_FOUND, "unknown port: port=" + port);
        }
        PortSender s = senders.get(port);
        if (s == null || !s.sendsTo(p.injector())) { // a port removed and added again has a new send ring
            if (p.injector() == null) {
                throw new ControlException(ControlException.Code.FAILED_PRECONDITION,
                        "port has no send ring: port=" + port);
            }
            if (s != null) {
                notifier.remove(s.signal());
            }
            s = new PortSender(port, p.injector(), context, notifier);
            senders.put(port, s);
        }
        return s;
    }

    private static IllegalStateException closedError(String port) {
        return new IllegalStateException("backend closed: port=" + port);
    }

    private void checkOpen() {
        if (closing) {
            throw new IllegalStateException("backend closed");
        }
    }

    /**
     * Closes the backend: receive and events streams complete (taps removed, slots freed), sends not yet
     * completed fail with {@link IllegalStateException} ({@code backend closed: port=...}) even if some of
     * their frames already landed, then vhostd (ports, workers, DMA) and this object's Vert.x instance
     * close on a new thread. Completes when all of that is done; later calls complete with the same.
     */
    public Uni<Void> close() {
        return Uni.createFrom().completionStage(this::closeOnce);
    }

    private synchronized CompletableFuture<Void> closeOnce() {
        if (closing) {
            return closed;
        }
        closing = true;
        context.runOnContext(v -> {
            for (Map.Entry<String, PortSender> e : senders.entrySet()) {
                e.getValue().failAll(closedError(e.getKey()));
            }
            taps.forEach(TapSource::end);
            eventSources.forEach(EventSource::end);
            CompletableFuture.allOf(sourceCloses.toArray(new CompletableFuture<?>[0]))
                    .completeOnTimeout(null, 10, TimeUnit.SECONDS)
                    .whenComplete((x, e) -> Thread.ofPlatform().name("vhost-backend-close").start(this::shutdown));
        });
        return closed;
    }

    private void shutdown() {
        try {
            vhostd.close();
            notifier.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            closed.complete(null);
        } catch (Exception e) {
            closed.completeExceptionally(e);
        }
    }

    /** Carries a config error out of a supplier. */
    private static final class ConfigFailure extends RuntimeException {
        ConfigFailure(ConfigException cause) {
            super(cause);
        }
    }
}
