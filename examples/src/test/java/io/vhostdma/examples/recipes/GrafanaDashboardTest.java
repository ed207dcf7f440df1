package io.vhostdma.examples.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostdma.backend.Vhostd;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/grafana/vhostd-dashboard.json queries only metric families a running vhostd serves: a
 * vhostd with two ports and bound DMA channels, one guest connected and sending broadcasts (the other
 * port's guest is absent, so drops are counted with a reason), is scraped, and every metric name in
 * every query (and the instance variable's) must be one of the scrape's samples.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("grafana", "vhostd-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:vhostd|jvm|process)_[a-z0-9_]+\\b");
    private static final long WAIT_NANOS = 20_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldQueryOnlyServedFamiliesWhenScrapedUnderTraffic() throws Exception {
        List<String> queries = queries(new ObjectMapper().readTree(DASHBOARD.toFile()));
        assertTrue(queries.size() >= 10, "queries: " + queries.size());
        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            assertTrue(m.find(), "a query without a vhostd metric: " + q);
            do {
                used.add(m.group());
            } while (m.find());
        }
        for (String needed : List.of("vhostd_queue_packets_total", "vhostd_queue_drops_total",
                "vhostd_queue_dma_in_flight", "vhostd_worker_busy_ratio")) {
            assertTrue(used.contains(needed), "the dashboard lacks " + needed);
        }
        try (Vhostd d = Vhostd.start(ConfigLoader.parse(config(), "test", Map.of()), new PrintStream(OutputStream.nullOutputStream()));
                VhostUserFrontend a = VhostUserFrontend.connect(FrontendOptions.builder(dir.resolve("a.sock"))
                        .memorySize(16L << 20).timeoutMillis(15_000).build())) {
            Set<String> served = scrapeUntilDropsCounted(d.metricsPort(), a);
            Set<String> missing = used.stream().filter(n -> !served.contains(n)).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(), missing, "queried but not served");
        }
    }

    private String config() {
        return """
                runtime-dir: %s
                ports:
                  - { name: a, socket: %s }
                  - { name: b, socket: %s }
                dma:
                  - { name: dma0, engine: cpu, channels: 2, ring-size: 256 }
                bindings:
                  - { port: a, queue: rxq0, channel: dma0/0 }
                  - { port: b, queue: rxq0, channel: dma0/1 }
                management:
                  metrics: 127.0.0.1:0
                """.formatted(dir.resolve("run"), dir.resolve("a.sock"), dir.resolve("b.sock"));
    }

    /** Sends broadcasts from guest a until the scrape shows a drop (b has no guest), then the sample names. */
    private static Set<String> scrapeUntilDropsCounted(int port, VhostUserFrontend a) throws Exception {
        byte[] frame = new byte[60];
        java.util.Arrays.fill(frame, 0, 6, (byte) 0xff);
        System.arraycopy(new byte[] {0x52, 0x54, 0, 0, 0, 1}, 0, frame, 6, 6);
        frame[12] = 0x08;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            a.reclaimTx(0);
            a.send(0, frame);
            String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> names = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
            if (names.contains("vhostd_queue_drops_total")) {
                return names;
            }
            assertFalse(System.nanoTime() > deadline, "no drop counted: " + text.lines()
                    .filter(l -> l.startsWith("vhostd_queue_packets_total")).toList());
            Thread.sleep(50);
        }
    }

    /** Every "expr" of every panel's targets, and the templating queries. */
    private static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                out.add(t.get("expr").asText());
            }
        }
        for (JsonNode v : dashboard.at("/templating/list")) {
            if (v.get("type").asText().equals("query")) {
                out.add(v.at("/query/query").asText());
            }
        }
        return out;
    }
}
