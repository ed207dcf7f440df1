package io.vhostdma.backend.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vhostdma.backend.control.Management;
import io.vhostdma.config.HostPort;

/**
 * The Prometheus endpoint: {@code GET /metrics} answers the text of {@link MetricsRenderer} built at
 * that moment; any other path is 404, any other method on {@code /metrics} 405. A failure to listen
 * fails {@link #start} with {@code management.metrics: cannot listen on HOST:PORT: reason}.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code m}'s metrics on {@code addr} (port 0 picks a free port; see {@link #port()}). */
    public static Future<MetricsEndpoint> start(Vertx vertx, Management m, HostPort addr) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(addr.host()).setPort(addr.port()))
                .requestHandler(req -> handle(m, req));
        return server.listen().recover(e -> Future.failedFuture(new IllegalStateException(
                "management.metrics: cannot listen on " + addr + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e)))
                .map(MetricsEndpoint::new);
    }

    private static void handle(Management m, HttpServerRequest req) {
        if (!"/metrics".equals(req.path())) {
            req.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("not found: try /metrics\n");
            return;
        }
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        String body;
        try {
            body = MetricsRenderer.render(m);
        } catch (RuntimeException e) {
            req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("scrape failed: " + e.getMessage() + "\n");
            return;
        }
        req.response().putHeader("Content-Type", PrometheusText.CONTENT_TYPE).end(body);
    }

    /** The TCP port it listens on. */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening. */
    public Future<Void> closeAsync() {
        return server.close();
    }

    /** {@link #closeAsync()} and waits for it. */
    @Override
    public void close() {
        closeAsync().toCompletionStage().toCompletableFuture().join();
    }
}
