package io.vhostdma.vhost.transport;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.DataPlane;
import io.vhostdma.vhost.protocol.GuestMemoryListener;
import io.vhostdma.vhost.protocol.SessionCounters;
import io.vhostdma.vhost.protocol.VhostUserSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Client mode: connects to the front end's listening socket (QEMU {@code server=on}, DPDK
 * {@code server=1}) and reconnects until {@link #shutdown() stopped}: after a failed connect with a
 * backoff of 100 ms doubling up to 2 s, and 100 ms after a connection ended. The blocking
 * {@code connect(2)} runs on a Vert.x worker thread; the connection itself lives on the event loop.
 */
public final class VhostUserClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.vhost.transport");
    /** First retry delay. */
    public static final long INITIAL_BACKOFF_MS = 100;
    /** Longest retry delay. */
    public static final long MAX_BACKOFF_MS = 2000;

    private final PortSpec spec;
    private final ContextInternal ctx;
    private final DataPlane dataPlane;
    private final GuestMemoryListener memoryListener;
    private final PortListener listener;
    private final SessionCounters counters = new SessionCounters();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private long backoff = INITIAL_BACKOFF_MS;
    private long timer = -1;
    private boolean stopped;
    private boolean connecting;
    private volatile VhostUserConnection active;

    private VhostUserClient(Vertx vertx, PortSpec spec, DataPlane dataPlane, GuestMemoryListener memoryListener,
            PortListener listener) {
        this.spec = spec;
        this.ctx = ((VertxInternal) vertx).createEventLoopContext();
        this.dataPlane = dataPlane;
        this.memoryListener = memoryListener;
        this.listener = listener;
    }

    /** {@link #start(Vertx, PortSpec, DataPlane, GuestMemoryListener, PortListener)} with no DMA layer. */
    public static VhostUserClient start(Vertx vertx, PortSpec spec, DataPlane dataPlane, PortListener listener) {
        return start(vertx, spec, dataPlane, GuestMemoryListener.NONE, listener);
    }

    /**
     * Starts connecting to {@code spec.socket()} on a new event-loop context of {@code vertx}; each session tells
     * {@code memoryListener} about its guest memory ({@link GuestMemoryListener}).
     */
    public static VhostUserClient start(Vertx vertx, PortSpec spec, DataPlane dataPlane,
            GuestMemoryListener memoryListener, PortListener listener) {
        VhostUserClient client = new VhostUserClient(vertx, spec, dataPlane, memoryListener, listener);
        client.ctx.execute(client::attempt);
        return client;
    }

    /** The port this client serves. */
    public PortSpec spec() {
        return spec;
    }

    /** Counters of this port (all connections). */
    public SessionCounters counters() {
        return counters;
    }

    /** The active connection's session, or null when not connected. */
    public VhostUserSession session() {
        VhostUserConnection c = active;
        return c == null ? null : c.session();
    }

    private void attempt() {
        timer = -1;
        if (stopped) {
            return;
        }
        connecting = true;
        ctx.<Integer>executeBlocking(() -> UnixSockets.connect(spec.socket(), true)).onComplete(ar -> {
            connecting = false;
            if (ar.succeeded()) {
                connected(ar.result());
            } else {
                retry(ar.cause().getMessage());
            }
            if (stopped) {
                maybeFinish();
            }
        });
    }

    private void connected(int fd) {
        if (stopped) {
            Fds.close(fd);
            return;
        }
        backoff = INITIAL_BACKOFF_MS;
        LOG.log(System.Logger.Level.INFO, "port=" + spec.name() + " connected socket=" + spec.socket());
        VhostUserConnection c = new VhostUserConnection(fd, spec, ctx, dataPlane, memoryListener, listener, counters);
        active = c;
        c.closed().whenComplete((v, err) -> ctx.execute(() -> {
            active = null;
            if (stopped) {
                maybeFinish();
            } else {
                schedule(INITIAL_BACKOFF_MS);
            }
        }));
        c.start();
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        long delay = backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        LOG.log(System.Logger.Level.DEBUG, "port=" + spec.name() + " connect failed, retry-ms=" + delay + " cause="
                + why);
        listener.connectFailed(spec.name(), why, delay);
        schedule(delay);
    }

    private void schedule(long delayMs) {
        timer = ctx.setTimer(delayMs, id -> attempt());
    }

    /** Stops reconnecting and disconnects the front end; completes when done. */
    public CompletionStage<Void> shutdown() {
        ctx.execute(() -> {
            if (stopped) {
                return;
            }
            stopped = true;
            if (timer >= 0) {
                ctx.owner().cancelTimer(timer);
                timer = -1;
            }
            VhostUserConnection c = active;
            if (c != null) {
                c.disconnect();
            }
            maybeFinish();
        });
        return closed;
    }

    private void maybeFinish() {
        if (stopped && active == null && !connecting) {
            closed.complete(null);
        }
    }

    /** {@link #shutdown()} and wait for it (at most 10 s); never call this on an event loop. */
    @Override
    public void close() {
        try {
            shutdown().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("port=" + spec.name() + " close failed: " + e, e);
        }
    }
}
