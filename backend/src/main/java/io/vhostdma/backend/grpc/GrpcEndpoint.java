package io.vhostdma.backend.grpc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcService;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import io.vhostdma.config.HostPort;
import io.vhostdma.vhost.transport.SocketPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC management service, with gRPC server reflection ({@code grpc.reflection.v1}, so grpcurl and
 * other tools list and describe the API) and the standard health service ({@code grpc.health.v1}:
 * {@code ""} and {@code vhostdma.v1.VhostdControl} are SERVING while the backend answers), on a set of
 * {@link Listener}s: Unix sockets guarded by their file mode
 * ({@code vhostd.sock} every RPC, {@code vhostd-ro.sock} read-only RPCs) and an optional loopback TCP
 * address guarded by a bearer token. One service answers all of them; an {@link AccessGuard} in front of
 * each endpoint refuses what it does not allow. {@link #start} completes once every listener listens,
 * or fails (closing what started) with {@code management.grpc: cannot listen on HOST:PORT: reason}, a
 * {@link io.vhostdma.vhost.transport.SocketPathException} for a socket path in use, or
 * {@code cannot listen on PATH: reason}.
 */
public final class GrpcEndpoint implements AutoCloseable {
    /** Events a stream keeps at most while its client is behind. */
    public static final int EVENT_QUEUE_CAPACITY = 4096;

    private final List<HttpServer> servers;
    private final List<UnixBind> sockets;
    private final HttpServer tcp;
    private final Set<EventFeed> feeds;
    private final Set<CaptureFeed> captures;

    private GrpcEndpoint(List<HttpServer> servers, List<UnixBind> sockets, HttpServer tcp, Set<EventFeed> feeds,
                         Set<CaptureFeed> captures) {
        this.servers = servers;
        this.sockets = sockets;
        this.tcp = tcp;
        this.feeds = feeds;
        this.captures = captures;
    }

    /** Serves {@code m} on {@code listeners} (a TCP port 0 picks a free port; see {@link #port()}). */
    public static Future<GrpcEndpoint> start(Vertx vertx, Management m, List<Listener> listeners) {
        return start(vertx, m, listeners, EVENT_QUEUE_CAPACITY);
    }

    static Future<GrpcEndpoint> start(Vertx vertx, Management m, List<Listener> listeners, int eventCapacity) {
        Set<EventFeed> feeds = ConcurrentHashMap.newKeySet();
        Set<CaptureFeed> captures = ConcurrentHashMap.newKeySet();
        GrpcServer grpc = GrpcServer.server(vertx);
        List<ServiceMethod<?, ?>> unary = VhostdControlGrpcService.all();
        unary.remove(VhostdControlGrpcService.WatchEvents);
        unary.remove(VhostdControlGrpcService.Capture);
        unary.remove(VhostdControlGrpcService.CaptureBatches);
        grpc.addService(VhostdControlGrpcService.builder(new ControlService(vertx, m)).bind(unary).build());
        grpc.callHandler(VhostdControlGrpcService.WatchEvents, req -> watch(vertx, m, req, eventCapacity, feeds));
        grpc.callHandler(VhostdControlGrpcService.Capture, req -> CaptureFeed.serve(vertx, m, req, captures));
        grpc.callHandler(VhostdControlGrpcService.CaptureBatches,
                req -> CaptureFeed.serveBatches(vertx, m, req, captures));
        grpc.addService(ReflectionService.v1());
        grpc.addService(HealthService.create(vertx).register(RpcAccess.CONTROL, () -> serving(m)));
        List<HttpServer> servers = new ArrayList<>();
        List<Future<?>> listening = new ArrayList<>();
        for (Listener l : listeners) {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions())
                    .requestHandler(new AccessGuard(vertx, grpc, l, m.refusals()));
            servers.add(server);
            listening.add(l.tcp() != null ? listenTcp(server, l.tcp()) : listenUnix(server, l));
        }
        return Future.join(listening).transform(done -> {
            if (done.failed()) {
                Throwable cause = listening.stream().filter(Future::failed).findFirst().orElseThrow().cause();
                return closeAll(servers, listening).transform(v -> Future.failedFuture(cause));
            }
            List<UnixBind> sockets = new ArrayList<>();
            HttpServer tcp = null;
            for (int i = 0; i < listeners.size(); i++) {
                if (listening.get(i).result() instanceof UnixBind b) {
                    sockets.add(b);
                } else {
                    tcp = servers.get(i);
                }
            }
            return Future.succeededFuture(new GrpcEndpoint(servers, sockets, tcp, feeds, captures));
        });
    }

    private static Future<HttpServer> listenTcp(HttpServer server, HostPort addr) {
        return server.listen(addr.port(), addr.host()).recover(e -> Future.failedFuture(new IllegalStateException(
                "management.grpc: cannot listen on " + addr + ": " + reason(e), e)));
    }

    private static Future<UnixBind> listenUnix(HttpServer server, Listener l) {
        return UnixBind.listen(server, l).recover(e -> Future.failedFuture(e instanceof SocketPathException ? e
                : new IllegalStateException("cannot listen on " + l.socket() + ": " + reason(e), e)));
    }

    /** Closes every server and removes the sockets of the listeners that did listen. */
    private static Future<Void> closeAll(List<HttpServer> servers, List<Future<?>> listening) {
        List<Future<?>> closing = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (listening.get(i).succeeded() && listening.get(i).result() instanceof UnixBind b) {
                b.remove();
            }
            closing.add(servers.get(i).close());
        }
        return Future.join(closing).mapEmpty();
    }

    /** The control service is serving while the backend answers a status call. */
    private static Future<Boolean> serving(Management m) {
        try {
            m.status();
            return Future.succeededFuture(true);
        } catch (RuntimeException e) {
            return Future.succeededFuture(false);
        }
    }

    static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void watch(Vertx vertx, Management m, GrpcServerRequest<WatchEventsRequest, Event> req,
                              int capacity, Set<EventFeed> feeds) {
        req.handler(msg -> {
            EventFeed[] holder = new EventFeed[1];
            EventFeed feed = new EventFeed(vertx.getOrCreateContext(), req.response(), capacity,
                    () -> feeds.remove(holder[0]));
            holder[0] = feed;
            req.errorHandler(e -> feed.close()); // the client cancelled (RST_STREAM)
            req.exceptionHandler(e -> feed.close());
            req.response().exceptionHandler(e -> feed.close());
            try {
                feed.subscription(m.events().subscribe(feed));
            } catch (RuntimeException e) {
                feed.close();
                req.response().fail(Statuses.toStatus(e));
                return;
            }
            feeds.add(feed); // counted once subscribed: an event published from now on reaches it
            req.response().writeHead(); // the client sees the stream open before the first event
        });
    }

    /** The TCP port it listens on, or -1 when it has no TCP listener. */
    public int port() {
        return tcp == null ? -1 : tcp.actualPort();
    }

    /** Event streams open now. */
    public int eventStreams() {
        return feeds.size();
    }

    /** Capture streams open now. */
    public int captureStreams() {
        return captures.size();
    }

    /** Ends every event and capture stream, stops listening and removes its socket files. */
    public Future<Void> closeAsync() {
        for (EventFeed f : List.copyOf(feeds)) {
            f.close();
        }
        for (CaptureFeed c : List.copyOf(captures)) {
            c.shutdown();
        }
        for (UnixBind b : sockets) {
            b.remove();
        }
        List<Future<?>> closing = new ArrayList<>();
        for (HttpServer s : servers) {
            closing.add(s.close());
        }
        return Future.join(closing).mapEmpty();
    }

    /** {@link #closeAsync()} and waits for it. */
    @Override
    public void close() {
        closeAsync().toCompletionStage().toCompletableFuture().join();
    }
}
