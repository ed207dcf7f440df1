package io.vhostdma.vhost.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vhostdma.vhost.internal.sys.Fds;
import io.vhostdma.vhost.internal.sys.SysException;
import io.vhostdma.vhost.internal.sys.UnixSockets;
import io.vhostdma.vhost.protocol.DataPlane;
import io.vhostdma.vhost.protocol.GuestMemoryListener;
import io.vhostdma.vhost.protocol.SessionCounters;
import io.vhostdma.vhost.protocol.VhostUserSession;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Server mode: listens on the port's Unix socket (a stale socket file is replaced; a live socket or any
 * other file at the path is refused with a {@link SocketPathException})
 * and serves one front end at a time; a second connection while one is live is closed with a log line,
 * and one that arrives while the previous session is still being torn down waits in the listen backlog
 * and is served as soon as the teardown completes (a front end that reconnects at once is never reset). The
 * listening socket is an io_uring {@link IoUringIoHandle} on a Vert.x event loop with a multishot
 * POLL_ADD; accepted sockets become {@link VhostUserConnection}s on the same loop.
 *
 * <pre>
 * VhostUserServer server = VhostUserServer.listen(vertx, new PortSpec("vm1", path, 0600, 1), dataPlane,
 *         PortListener.NONE).toCompletableFuture().join();
 * ...
 * server.shutdown();   // stops listening, removes the socket file, disconnects the front end
 * </pre>
 */
public final class VhostUserServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.vhost.transport");
    private static final short TAG_POLL = 1;
    private static final short TAG_CANCEL = 2;

    private final PortSpec spec;
    private final ContextInternal ctx;
    private final IoEventLoop loop;
    private final DataPlane dataPlane;
    private final GuestMemoryListener memoryListener;
    private final PortListener listener;
    private final SessionCounters counters = new SessionCounters();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final int listenFd;
    private IoRegistration registration;
    private long pollUdata;
    private int pending;
    private boolean closing;
    private boolean released;
    private volatile VhostUserConnection active;

    private VhostUserServer(PortSpec spec, ContextInternal ctx, int listenFd, DataPlane dataPlane,
            GuestMemoryListener memoryListener, PortListener listener) {
        this.spec = spec;
        this.ctx = ctx;
        this.loop = (IoEventLoop) ctx.nettyEventLoop();
        this.listenFd = listenFd;
        this.dataPlane = dataPlane;
        this.memoryListener = memoryListener;
        this.listener = listener;
    }

    /**
     * Creates the listening socket at {@code spec.socket()} with mode {@code spec.socketMode()} and
     * group {@code spec.socketGroup()} (see {@link UnixSockets#listen(java.nio.file.Path, int, int, String)}) and
     * starts accepting on a new event-loop context of {@code vertx} (which must use the io_uring
     * transport). Completes once listening.
     */
    public static CompletionStage<VhostUserServer> listen(Vertx vertx, PortSpec spec, DataPlane dataPlane,
            PortListener listener) {
        return listen(vertx, spec, dataPlane, GuestMemoryListener.NONE, listener);
    }

    /**
     * {@link #listen(Vertx, PortSpec, DataPlane, PortListener)} with each session telling {@code memoryListener}
     * about its guest memory (registration with a DMA layer, {@link GuestMemoryListener}).
     */
    public static CompletionStage<VhostUserServer> listen(Vertx vertx, PortSpec spec, DataPlane dataPlane,
            GuestMemoryListener memoryListener, PortListener listener) {
        ContextInternal ctx = ((VertxInternal) vertx).createEventLoopContext();
        int fd = UnixSockets.listen(spec.socket(), 16, spec.socketMode(), spec.socketGroup());
        VhostUserServer server = new VhostUserServer(spec, ctx, fd, dataPlane, memoryListener, listener);
        CompletableFuture<VhostUserServer> started = new CompletableFuture<>();
        server.loop.register(server.new ListenHandle()).addListener(f -> {
            if (!f.isSuccess()) {
                server.release();
                started.completeExceptionally(f.cause());
                return;
            }
            server.registration = (IoRegistration) f.getNow();
            server.armPoll();
            LOG.log(System.Logger.Level.INFO, "port=" + spec.name() + " listening socket=" + spec.socket()
                    + " queue-pairs=" + spec.queuePairs());
            started.complete(server);
        });
        return started;
    }

    /** The port this server serves. */
    public PortSpec spec() {
        return spec;
    }

    /** Counters of this port (all connections). */
    public SessionCounters counters() {
        return counters;
    }

    /** The active connection's session, or null when no front end is connected. */
    public VhostUserSession session() {
        VhostUserConnection c = active;
        return c == null ? null : c.session();
    }

    private void armPoll() {
        pending++;
        pollUdata = registration.submit(UringOps.pollAdd(listenFd, UringOps.POLLIN, true, TAG_POLL));
    }

    private void onEvent(IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        boolean more = (e.flags() & UringOps.CQE_F_MORE) != 0;
        if (!more) {
            pending--;
        }
        if (closing) {
            maybeFinish();
            return;
        }
        if (e.data() == TAG_POLL) {
            if (e.res() > 0) {
                acceptAll();
            } else if (e.res() < 0 && e.res() != -UringOps.ECANCELED) {
                LOG.log(System.Logger.Level.WARNING, "port=" + spec.name() + " poll on listening socket failed: errno="
                        + -e.res());
            }
            if (!more) {
                armPoll();
            }
        }
    }

    private void acceptAll() {
        while (true) {
            VhostUserConnection previous = active;
            if (previous != null && previous.closing()) {
                // the last session is still being torn down: the new front end waits in the listen backlog
                // and is accepted as soon as the teardown completes (never reset)
                return;
            }
            int fd;
            try {
                fd = UnixSockets.accept(listenFd);
            } catch (SysException se) {
                LOG.log(System.Logger.Level.WARNING, "port=" + spec.name() + " accept failed: " + se.getMessage());
                return;
            }
            if (fd < 0) {
                return;
            }
            if (active != null) {
                Fds.close(fd);
                counters.refused();
                LOG.log(System.Logger.Level.WARNING, "port=" + spec.name()
                        + " refused a second front end: a connection is already active");
                listener.refused(spec.name(), "a connection is already active");
                continue;
            }
            VhostUserConnection c = new VhostUserConnection(fd, spec, ctx, dataPlane, memoryListener, listener, counters);
            active = c;
            c.closed().whenComplete((v, err) -> loop.execute(() -> {
                if (active == c) {
                    active = null;
                    if (!closing) {
                        acceptAll(); // a front end that connected during the teardown
                    }
                }
            }));
            c.start();
        }
    }

    /** Stops listening, removes the socket file and disconnects the front end; completes when done. */
    public CompletionStage<Void> shutdown() {
        loop.execute(() -> {
            if (closing) {
                return;
            }
            closing = true;
            pending++;
            registration.submit(UringOps.asyncCancel(pollUdata, TAG_CANCEL));
            VhostUserConnection c = active;
            CompletionStage<Void> conn = c == null ? CompletableFuture.completedFuture(null) : c.disconnect();
            conn.whenComplete((v, err) -> loop.execute(() -> {
                active = null;
                maybeFinish();
            }));
        });
        return closed;
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

    private void maybeFinish() {
        if (!closing || pending > 0 || active != null || released) {
            return;
        }
        registration.cancel();
        release();
        LOG.log(System.Logger.Level.INFO, "port=" + spec.name() + " stopped listening socket=" + spec.socket());
        closed.complete(null);
    }

    private void release() {
        released = true;
        Fds.close(listenFd);
        try {
            Files.deleteIfExists(spec.socket());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "port=" + spec.name() + " cannot remove socket file: " + e);
        }
    }

    /** The listening socket as an io_uring handle: completions go to the server on its loop. */
    private final class ListenHandle implements IoUringIoHandle {
        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            onEvent(event);
        }

        /** Called by the event loop when it shuts down with the listener still registered. */
        @Override
        public void close() {
            if (!released) {
                release();
                closed.complete(null);
            }
        }
    }
}
