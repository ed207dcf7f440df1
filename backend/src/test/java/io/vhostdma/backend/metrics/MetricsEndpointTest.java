package io.vhostdma.backend.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vhostdma.backend.grpc.FakeManagement;
import io.vhostdma.config.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side: /metrics with the format's content type, 404 elsewhere, clear message on a taken port. */
class MetricsEndpointTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsEndpoint endpoint;

    @BeforeEach
    void start() {
        endpoint = MetricsEndpoint.start(vertx, new FakeManagement(), new HostPort("127.0.0.1", 0))
                .toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeExpositionTextWhenPathIsMetrics() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(20, ExpositionParser.value(ExpositionParser.parse(r.body()), "vhostd_queue_packets_total",
                Map.of("port", "vm1", "queue", "txq0")));
    }

    @Test
    void shouldAnswerNotFoundWhenPathIsNotMetrics() throws Exception {
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/metrics/x").statusCode());
    }

    @Test
    void shouldFailWithClearMessageWhenPortIsTaken() {
        CompletionException e = assertThrows(CompletionException.class, () -> MetricsEndpoint.start(vertx,
                new FakeManagement(), new HostPort("127.0.0.1", endpoint.port())).toCompletionStage()
                .toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().startsWith("management.metrics: cannot listen on 127.0.0.1:"
                + endpoint.port() + ": "), e.getCause().getMessage());
    }
}
