package io.vhostdma.backend.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vhostdma.backend.control.Management;
import io.vhostdma.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Prometheus endpoint: {@code GET /metrics} answers a prometheus-metrics registry scraped at that
 * moment ({@link VhostdMetrics} over the Management views, and the library's JVM and process
 * metrics), written by the library's text format 0.0.4 writer; any other path is 404, any other
 * method on {@code /metrics} 405. A failure to listen fails {@link #start} with
 * {@code management.metrics: cannot listen on HOST:PORT: reason}.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The Content-Type of the text format 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code m}'s metrics on {@code addr} (port 0 picks a free port; see {@link #port()}). */
    public static Future<MetricsEndpoint> start(Vertx vertx, Management m, HostPort addr) {
        PrometheusRegistry registry = registry(m);
        // HTTP/1.1 only: an h2c upgrade (the JDK's HttpClient asks for one) left scrapes hanging now and then
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(addr.host()).setPort(addr.port())
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(req -> handle(registry, req));
        return server.listen().recover(e -> Future.failedFuture(new IllegalStateException(
                "management.metrics: cannot listen on " + addr + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e)))
                .map(MetricsEndpoint::new);
    }

    /** A registry of vhostd's families and the JVM's (jvm_*, process_*), each collected when scraped. */
    static PrometheusRegistry registry(Management m) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new VhostdMetrics(m));
        JvmMetrics.builder().register(registry);
        return registry;
    }

    /** The text exposition of {@code snapshots}. */
    static String text(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            WRITER.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void handle(PrometheusRegistry registry, HttpServerRequest req) {
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
            body = text(registry.scrape());
        } catch (RuntimeException e) {
            req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("scrape failed: " + e.getMessage() + "\n");
            return;
        }
        req.response().putHeader("Content-Type", CONTENT_TYPE).end(body);
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
