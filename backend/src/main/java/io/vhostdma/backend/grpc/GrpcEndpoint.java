package io.vhostdma.backend.grpc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcService;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import io.vhostdma.config.HostPort;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC management service listening on one TCP address (HTTP/2 without TLS, loopback only by
 * config rule). {@link #start} completes once it listens; a failure to listen fails with
 * {@code management.grpc: cannot listen on HOST:PORT: reason}.
 */
public final class GrpcEndpoint implements AutoCloseable {
    /** Events a stream keeps at most while its client is behind. */
    public static final int EVENT_QUEUE_CAPACITY = 4096;

    private final HttpServer server;
    private final Set<EventFeed> feeds;

    private GrpcEndpoint(HttpServer server, Set<EventFeed> feeds) {
        this.server = server;
        this.feeds = feeds;
    }

    /** Serves {@code m} on {@code addr} (port 0 picks a free port; see {@link #port()}). */
    public static Future<GrpcEndpoint> start(Vertx vertx, Management m, HostPort addr) {
        return start(vertx, m, addr, EVENT_QUEUE_CAPACITY);
    }

    static Future<GrpcEndpoint> start(Vertx vertx, Management m, HostPort addr, int eventCapacity) {
        Set<EventFeed> feeds = ConcurrentHashMap.newKeySet();
        GrpcServer grpc = GrpcServer.server(vertx);
        List<ServiceMethod<?, ?>> unary = VhostdControlGrpcService.all();
        unary.remove(VhostdControlGrpcService.WatchEvents);
        grpc.addService(VhostdControlGrpcService.builder(new ControlService(vertx, m)).bind(unary).build());
        grpc.callHandler(VhostdControlGrpcService.WatchEvents, req -> watch(vertx, m, req, eventCapacity, feeds));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(addr.host()).setPort(addr.port()))
                .requestHandler(grpc);
        return server.listen().recover(e -> Future.failedFuture(new IllegalStateException(
                "management.grpc: cannot listen on " + addr + ": " + reason(e), e)))
                .map(s -> new GrpcEndpoint(s, feeds));
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
            feeds.add(feed);
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
            req.response().writeHead(); // the client sees the stream open before the first event
        });
    }

    /** The TCP port it listens on. */
    public int port() {
        return server.actualPort();
    }

    /** Event streams open now. */
    public int eventStreams() {
        return feeds.size();
    }

    /** Ends every event stream and stops listening. */
    public Future<Void> closeAsync() {
        for (EventFeed f : List.copyOf(feeds)) {
            f.close();
        }
        return server.close();
    }

    /** {@link #closeAsync()} and waits for it. */
    @Override
    public void close() {
        closeAsync().toCompletionStage().toCompletableFuture().join();
    }
}
