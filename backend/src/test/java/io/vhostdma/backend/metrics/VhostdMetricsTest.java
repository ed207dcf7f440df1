package io.vhostdma.backend.metrics;

import static io.vhostdma.backend.metrics.ExpositionParser.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.grpc.FakeManagement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition text of hand-built views (library-written): conventions, escaping and values. */
class VhostdMetricsTest {
    private static final Map<String, ExpositionParser.Family> F = ExpositionParser.parse(
            render(new FakeManagement()));

    private static String render(Management m) {
        return MetricsEndpoint.text(MetricsEndpoint.registry(m).scrape());
    }

    private static String render(VhostdMetrics.Snapshot s) {
        return MetricsEndpoint.text(VhostdMetrics.collect(s));
    }

    @Test
    void shouldAnnounceEveryFamilyWithHelpAndConventionalNameWhenRendered() {
        assertTrue(F.keySet().stream().filter(n -> n.startsWith("vhostd_")).count() >= 25, F.keySet().toString());
        assertTrue(F.containsKey("jvm_memory_used_bytes") && F.containsKey("process_cpu_seconds_total"),
                "the library's JVM metrics: " + F.keySet());
        for (ExpositionParser.Family f : F.values()) {
            // on purpose: vhostd's own families, and the JVM and process families of prometheus-metrics' JVM module
            assertTrue(f.name().startsWith("vhostd_") || f.name().startsWith("jvm_") || f.name().startsWith("process_"),
                    f.name());
            assertFalse(f.help().isBlank(), "help of " + f.name());
            assertEquals(f.name().endsWith("_total"), f.type().equals("counter"), "_total iff counter: " + f.name());
        }
    }

    @Test
    void shouldCountRefusedManagementCallsByRpcWhenTheGuardRefusedSome() {
        FakeManagement m = new FakeManagement();
        assertEquals(0, value(ExpositionParser.parse(render(m)), "vhostd_management_refused_total", Map.of("rpc", "Bind")),
                "announced before the first refusal");
        m.refusals.record("Bind");
        m.refusals.record("Bind");
        m.refusals.record("AddPort");
        Map<String, ExpositionParser.Family> f = ExpositionParser.parse(render(m));
        assertEquals(2, value(f, "vhostd_management_refused_total", Map.of("rpc", "Bind")));
        assertEquals(1, value(f, "vhostd_management_refused_total", Map.of("rpc", "AddPort")));
    }

    @Test
    void shouldCarryQueueCountersAndDropReasonsWhenQueuesHaveThem() {
        Map<String, String> rx = Map.of("port", "vm1", "queue", "rxq0");
        assertEquals(10, value(F, "vhostd_queue_packets_total", rx));
        assertEquals(1000, value(F, "vhostd_queue_bytes_total", rx));
        assertEquals(2, value(F, "vhostd_queue_ring_errors_total", Map.of("port", "vm1", "queue", "txq0")));
        assertEquals(3, value(F, "vhostd_queue_drops_total", Map.of("port", "vm1", "queue", "rxq0", "reason",
                "rx_no_buffers")));
        Map<String, String> bound = Map.of("port", "vm1", "queue", "rxq0", "channel", "dma0/0");
        assertEquals(10, value(F, "vhostd_queue_dma_submitted_total", bound));
        assertEquals(9, value(F, "vhostd_queue_dma_completed_total", bound));
        assertEquals(1, value(F, "vhostd_queue_dma_errors_total", bound));
        assertEquals(1, value(F, "vhostd_queue_dma_in_flight", bound));
        assertEquals(0, value(F, "vhostd_queue_dma_in_flight", Map.of("port", "vm1", "queue", "txq0")),
                "no channel label when unbound");
    }

    @Test
    void shouldCarryChannelWorkerPortAndGroupValuesWhenRendered() {
        Map<String, String> ch = Map.of("device", "dma0", "channel", "dma0/0");
        assertEquals(10, value(F, "vhostd_dma_channel_submitted_total", ch));
        assertEquals(900, value(F, "vhostd_dma_channel_bytes_total", Map.of("device", "dma0", "channel", "dma0/0",
                "source", "host", "destination", "vm1")));
        assertEquals(1, value(F, "vhostd_dma_channel_bound", ch));
        assertEquals(0, value(F, "vhostd_dma_channel_bound", Map.of("device", "dma0", "channel", "dma0/1")));
        assertEquals(0.3, value(F, "vhostd_worker_busy_ratio", Map.of("worker", "0")));
        assertEquals(30, value(F, "vhostd_worker_cycles_total", Map.of("worker", "0", "state", "busy")));
        assertEquals(70, value(F, "vhostd_worker_cycles_total", Map.of("worker", "0", "state", "idle")));
        assertEquals(1, value(F, "vhostd_port_connected", Map.of("port", "vm1")));
        assertEquals(1 << 20, value(F, "vhostd_port_memory_bytes", Map.of("port", "vm1")));
        assertEquals(1, value(F, "vhostd_group_members", Map.of("group", "g1")));
        assertEquals(1, value(F, "vhostd_group_member", Map.of("group", "g1", "port", "vm1", "role", "creator")));
        assertEquals(12.345, value(F, "vhostd_uptime_seconds", Map.of()));
    }

    @Test
    void shouldCarryRefusedNotificationsBudgetTripsAndOffloadWorkWhenAQueueHasThem() {
        var q = new io.vhostdma.backend.control.QueueView("vm1", "rxq0", 0, true, 0, null, 1, 64, Map.of("budget", 6L),
                0, 0, 0, 0, 0, 0, 0, 4, 5, 0, 7, 8, 9, 10, 11, 12, 13);
        var parsed = ExpositionParser.parse(render(new VhostdMetrics.Snapshot(FakeManagement.STATUS,
                List.of(FakeManagement.PORT), List.of(q), List.of(), List.of(), Map.of())));
        Map<String, String> rx = Map.of("port", "vm1", "queue", "rxq0");
        assertEquals(4, value(parsed, "vhostd_queue_notify_dropped_total", rx));
        assertEquals(5, value(parsed, "vhostd_queue_budget_exceeded_total", rx));
        assertEquals(7, value(parsed, "vhostd_queue_csum_fixups_total", rx));
        assertEquals(8, value(parsed, "vhostd_queue_gso_segmented_total", rx));
        assertEquals(9, value(parsed, "vhostd_queue_gso_frames_total", rx));
        assertEquals(10, value(parsed, "vhostd_queue_lent_total", rx));
        assertEquals(11, value(parsed, "vhostd_queue_lend_returned_total", rx));
        assertEquals(12, value(parsed, "vhostd_queue_lend_stalls_total", rx));
        assertEquals(13, value(parsed, "vhostd_queue_lend_revoked_total", rx));
        assertEquals(6, value(parsed, "vhostd_queue_drops_total", Map.of("port", "vm1", "queue", "rxq0", "reason",
                "budget")));
    }

    @Test
    void shouldEscapeLabelValuesWhenTheyHoldQuotesBackslashesOrNewlines() {
        String tricky = "a\"b\\c\nd";
        var s = new VhostdMetrics.Snapshot(FakeManagement.STATUS, List.of(new PortView(tricky, "/s", "server",
                "listening", 0, List.of(), 1, null, 0, null, List.of())), List.of(), List.of(),
                List.of(new GroupView("g", tricky, List.of(tricky))), Map.of());
        String text = render(s);
        assertTrue(text.contains("vhostd_port_connected{port=\"a\\\"b\\\\c\\nd\"} 0.0\n"), text); // the library writes doubles
        var parsed = ExpositionParser.parse(text);
        assertEquals(0, value(parsed, "vhostd_port_connected", Map.of("port", tricky)));
        assertEquals(1, value(parsed, "vhostd_group_member", Map.of("group", "g", "port", tricky, "role", "creator")));
    }
}
