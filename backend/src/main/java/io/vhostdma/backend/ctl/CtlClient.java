package io.vhostdma.backend.ctl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Blocking calls to vhostd's gRPC service for a command-line program, with the generated client's
 * method descriptors. Unary calls go through a {@link UnaryChannel} (Netty alone: a JVM that makes one
 * call starts in a fraction of the time a Vert.x instance takes); the streams of {@code events},
 * {@code stats --watch} and {@code capture} use Vert.x's {@link GrpcClient}, started only for them (the generated proxy
 * would drop the status message vhostctl prints). Failures become {@link CtlException}s: a non-OK
 * status keeps its code name and message; a connection failure says the server cannot be reached.
 */
final class CtlClient implements AutoCloseable {
    static final long CALL_TIMEOUT_SECONDS = 30;
    /**
     * HTTP/2 flow-control window of a streamed call, per stream and per connection: what vhostd may send before
     * vhostctl acknowledges it. HTTP/2's default (64 KiB) holds less than one capture batch, so each batch would wait
     * for a round trip; 4 MiB keeps several in flight (and bounds what a stalled vhostctl leaves buffered in vhostd).
     */
    static final int STREAM_WINDOW_BYTES = 4 << 20;
    private final SocketAddress address;
    private final String addressText;
    private final String bearer;
    private final UnaryChannel unary;
    private Vertx vertx;
    private GrpcClient client;

    CtlClient(Target target) {
        this.address = target.address();
        this.addressText = target.text();
        this.bearer = target.bearer() == null ? null : "Bearer " + target.bearer();
        this.unary = new UnaryChannel(address.isDomainSocket() ? address.path() : null, address.host(),
                address.port(), addressText, bearer);
    }

    /** Vert.x's gRPC client, started on first use. */
    private GrpcClient streaming() {
        if (client == null) {
            vertx = Vertx.vertx(); // NIO transport: TCP and Unix sockets
            // HTTP/2 with prior knowledge: an h2c upgrade request would carry an empty Host over a Unix socket
            client = GrpcClient.client(vertx, new HttpClientOptions().setConnectTimeout(UnaryChannel.CONNECT_TIMEOUT_MILLIS)
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                    .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW_BYTES))
                    .setHttp2ConnectionWindowSize(STREAM_WINDOW_BYTES));
        }
        return client;
    }

    /** Opens a call of {@code method}, with the management token when there is one. */
    private <Req, Resp> Future<GrpcClientRequest<Req, Resp>> open(ServiceMethod<Resp, Req> method) {
        return streaming().request(address, method).map(req -> {
            if (bearer != null) {
                req.headers().set("authorization", bearer);
            }
            return req;
        }).recover(e -> Future.failedFuture(CtlException.unreachable(addressText, e)));
    }

    /** One unary call, waited for. */
    <Req, Resp> Resp call(ServiceMethod<Resp, Req> method, Req request) {
        return unary.call(method, request, CALL_TIMEOUT_SECONDS);
    }

    /**
     * Streams events to {@code sink} on a Vert.x thread until {@code stop} completes (then cancels the
     * call) or the server ends the stream; returns when either happened.
     */
    void watch(Consumer<Event> sink, CompletableFuture<Void> stop) {
        stream(VhostdControlGrpcClient.WatchEvents, WatchEventsRequest.getDefaultInstance(), () -> { }, sink, stop);
    }

    /**
     * Calls a server-streaming {@code method}: runs {@code opened} once the server answered the call's headers,
     * hands each message to {@code sink} on a Vert.x thread until {@code stop} completes (then cancels the call) or
     * the server ends the stream, and returns when either happened. A non-OK end is a {@link CtlException}.
     */
    <Req, Resp> void stream(ServiceMethod<Resp, Req> method, Req request, Runnable opened, Consumer<Resp> sink,
                            CompletableFuture<Void> stop) {
        Promise<Void> done = Promise.promise();
        this.<Req, Resp>open(method)
                .compose(req -> req.send(request).map(resp -> {
                    stop.whenComplete((v, e) -> vertx.runOnContext(x -> {
                        req.cancel();
                        done.tryComplete();
                    }));
                    resp.handler(sink::accept);
                    resp.exceptionHandler(e -> done.tryFail(failure(resp, e)));
                    resp.endHandler(v -> {
                        if (resp.status() != null && resp.status() != GrpcStatus.OK) {
                            done.tryFail(CtlException.server(resp.status().name(), String.valueOf(resp.statusMessage())));
                        } else {
                            done.tryComplete();
                        }
                    });
                    if (resp.status() == null || resp.status() == GrpcStatus.OK) {
                        opened.run();
                    }
                    return resp;
                }))
                .onFailure(done::tryFail);
        try {
            done.future().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private CtlException failure(GrpcClientResponse<?, ?> resp, Throwable e) {
        if (resp.status() != null && resp.status() != GrpcStatus.OK) {
            String message = resp.statusMessage() == null ? "" : resp.statusMessage();
            return CtlException.server(resp.status().name(), message);
        }
        return CtlException.unreachable(addressText, e);
    }

    private CtlException unwrap(Throwable t) {
        return t instanceof CtlException c ? c : CtlException.unreachable(addressText, t);
    }

    @Override
    public void close() {
        unary.close();
        if (client == null) {
            return;
        }
        try {
            client.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // exiting anyway
        }
    }
}
