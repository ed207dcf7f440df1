package io.vhostdma.backend;

import static io.vhostdma.backend.metrics.ExpositionParser.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.metrics.ExpositionParser;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} of a running vhostd, scraped over HTTP after traffic, against the backend's own counters. */
class MetricsScrapeTest {
    private static final int FRAMES = 40;
    @TempDir
    Path dir;

    @Test
    void shouldExposeTheBackendCountersWhenScrapedAfterTraffic() throws Exception {
        try (DaemonFixture d = DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1)
                .dma("dma0", "cpu", 4, 256, 0, 0).bind("a", "txq0", "dma0", 1).bind("b", "rxq0", "dma0", 2)
                .group("g1", "token-g1", "a", "b").start();
             HttpClient http = HttpClient.newHttpClient()) {
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            for (int i = 0; i < FRAMES; i++) {
                byte[] f = Frames.frame(Frames.mac(0xb), Frames.mac(0xa), i, 100 + i, 3);
                Receive.send(a, f);
                Receive.expect(b, f, "frame " + i);
            }
            Receive.send(a, Frames.frame(Frames.mac(0xa), Frames.mac(0xa), 99, 64, 3)); // to itself: a drop
            Management m = d.vhostd().management();
            DaemonFixture.awaitUntil(() -> m.queues("a").get(1).drops().getOrDefault("no_destination", 0L) == 1
                    && m.queues("b").get(0).packets() == FRAMES, "traffic counted");
            d.settle();

            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + d.vhostd().metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            Map<String, ExpositionParser.Family> f = ExpositionParser.parse(r.body());
            for (ExpositionParser.Family fam : f.values()) {
                assertFalse(fam.help().isBlank(), fam.name());
                assertEquals(fam.name().endsWith("_total"), fam.type().equals("counter"), fam.name());
            }
            for (QueueView q : m.queues(null)) {
                Map<String, String> l = Map.of("port", q.port(), "queue", q.queue());
                assertEquals(q.packets(), (long) value(f, "vhostd_queue_packets_total", l), "packets " + l);
                assertEquals(q.bytes(), (long) value(f, "vhostd_queue_bytes_total", l), "bytes " + l);
                Map<String, String> dl = new HashMap<>(l);
                if (q.channel() != null) {
                    dl.put("channel", q.channel());
                }
                assertEquals(q.dmaSubmitted(), (long) value(f, "vhostd_queue_dma_submitted_total", dl), "dma " + dl);
                assertEquals(q.dmaCompleted(), (long) value(f, "vhostd_queue_dma_completed_total", dl), "dma " + dl);
            }
            assertEquals(FRAMES + 1, (long) value(f, "vhostd_queue_packets_total", Map.of("port", "a", "queue", "txq0")));
            assertEquals(1, (long) value(f, "vhostd_queue_drops_total", Map.of("port", "a", "queue", "txq0",
                    "reason", "no_destination")));
            long submitted = 0;
            for (ChannelView c : m.devices().getFirst().channels()) {
                submitted += c.submitted();
                assertEquals(c.submitted(), (long) value(f, "vhostd_dma_channel_submitted_total",
                        Map.of("device", "dma0", "channel", c.name())), c.name());
            }
            assertTrue(submitted > 0, "the bound queues used their channels");
            assertEquals(1, (long) value(f, "vhostd_port_connected", Map.of("port", "a")));
            assertEquals(0, (long) value(f, "vhostd_port_connected", Map.of("port", "c")));
            assertEquals(2, (long) value(f, "vhostd_group_members", Map.of("group", "g1")));
            assertTrue(value(f, "vhostd_uptime_seconds", Map.of()) > 0);
            assertTrue(f.containsKey("vhostd_worker_busy_ratio"));
        }
    }
}
