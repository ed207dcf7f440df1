package io.vhostdma.backend.metrics;

import static io.vhostdma.backend.metrics.PrometheusText.Type.COUNTER;
import static io.vhostdma.backend.metrics.PrometheusText.Type.GAUGE;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.control.RegionView;
import io.vhostdma.backend.control.StatusView;
import io.vhostdma.backend.control.WorkerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Renders one scrape from Management snapshots. Family names and meanings are listed in
 * docs/management.md; this class is their single definition.
 */
public final class MetricsRenderer {
    private MetricsRenderer() {
    }

    /** The snapshots one scrape is built from; {@code refusals} are refused management calls by RPC. */
    public record Snapshot(StatusView status, List<PortView> ports, List<QueueView> queues,
                           List<DeviceView> devices, List<GroupView> groups, Map<String, Long> refusals) {
        /** A snapshot without refused management calls. */
        public Snapshot(StatusView status, List<PortView> ports, List<QueueView> queues, List<DeviceView> devices,
                        List<GroupView> groups) {
            this(status, ports, queues, devices, groups, Map.of());
        }

        /** Takes every view from {@code m} now. */
        public static Snapshot of(Management m) {
            return new Snapshot(m.status(), m.ports(), m.queues(null), m.devices(), m.groups(), m.refusals().snapshot());
        }
    }

    /** The exposition text of {@code m} now. */
    public static String render(Management m) {
        return render(Snapshot.of(m));
    }

    /** The exposition text of {@code s}. */
    public static String render(Snapshot s) {
        PrometheusText t = new PrometheusText();
        backend(t, s.status());
        refusals(t, s.refusals());
        workers(t, s.status().workers());
        ports(t, s.ports());
        queues(t, s.queues());
        queueDma(t, s.queues());
        channels(t, s.devices());
        groups(t, s.groups());
        return t.toString();
    }

    private static void backend(PrometheusText t, StatusView s) {
        t.family("vhostd_info", GAUGE, "Constant 1, labelled with the version and forwarding mode.")
                .sample("vhostd_info", List.of("version", s.version(), "forwarding", s.forwarding()), 1);
        t.family("vhostd_start_time_seconds", GAUGE, "Start time of the backend, seconds since the epoch.")
                .sample("vhostd_start_time_seconds", List.of(), s.startedMillis() / 1000.0);
        t.family("vhostd_uptime_seconds", GAUGE, "Time since the backend started.")
                .sample("vhostd_uptime_seconds", List.of(), s.uptimeMillis() / 1000.0);
        t.family("vhostd_refused_joins_total", COUNTER, "Access-group joins refused (wrong token, unknown group, ...).")
                .sample("vhostd_refused_joins_total", List.of(), s.refusedJoins());
    }

    private static void refusals(PrometheusText t, Map<String, Long> refusals) {
        t.family("vhostd_management_refused_total", COUNTER, "Management calls refused by the endpoint they arrived on"
                + " (a mutating RPC on the read-only socket, or over TCP without the token), by RPC.");
        refusals.forEach((rpc, n) -> t.sample("vhostd_management_refused_total", List.of("rpc", rpc), n));
    }

    private static void workers(PrometheusText t, List<WorkerView> workers) {
        t.family("vhostd_worker_busy_ratio", GAUGE, "Share of a worker's duty cycles that moved something (0..1).");
        for (WorkerView w : workers) {
            t.sample("vhostd_worker_busy_ratio", worker(w), w.busyRatio());
        }
        t.family("vhostd_worker_packets_total", COUNTER, "Packets a worker moved.");
        for (WorkerView w : workers) {
            t.sample("vhostd_worker_packets_total", worker(w), w.packets());
        }
        t.family("vhostd_worker_cycles_total", COUNTER, "Duty cycles of a worker, by state: busy (moved something) or idle.");
        for (WorkerView w : workers) {
            t.sample("vhostd_worker_cycles_total", List.of("worker", Integer.toString(w.id()), "state", "busy"),
                    w.busyCycles());
            t.sample("vhostd_worker_cycles_total", List.of("worker", Integer.toString(w.id()), "state", "idle"),
                    w.idleCycles());
        }
        t.family("vhostd_worker_sleeps_total", COUNTER, "Times a worker slept on its eventfds.");
        for (WorkerView w : workers) {
            t.sample("vhostd_worker_sleeps_total", worker(w), w.sleeps());
        }
        t.family("vhostd_worker_rings", GAUGE, "Rings a worker serves.");
        for (WorkerView w : workers) {
            t.sample("vhostd_worker_rings", worker(w), w.rings());
        }
    }

    private static List<String> worker(WorkerView w) {
        return List.of("worker", Integer.toString(w.id()));
    }

    private static void ports(PrometheusText t, List<PortView> ports) {
        t.family("vhostd_port_connected", GAUGE, "1 while a front end is connected to the port, else 0.");
        for (PortView p : ports) {
            t.sample("vhostd_port_connected", List.of("port", p.name()), "connected".equals(p.state()) ? 1 : 0);
        }
        t.family("vhostd_port_queue_pairs", GAUGE, "Queue pairs the port offers.");
        for (PortView p : ports) {
            t.sample("vhostd_port_queue_pairs", List.of("port", p.name()), p.queuePairs());
        }
        t.family("vhostd_port_memory_bytes", GAUGE, "Guest memory mapped for the port's front end.");
        for (PortView p : ports) {
            long bytes = 0;
            for (RegionView r : p.regions()) {
                bytes += r.size();
            }
            t.sample("vhostd_port_memory_bytes", List.of("port", p.name()), bytes);
        }
    }

    private static void queues(PrometheusText t, List<QueueView> queues) {
        t.family("vhostd_queue_started", GAUGE, "1 while a worker serves the queue, else 0.");
        for (QueueView q : queues) {
            t.sample("vhostd_queue_started", queue(q), q.started() ? 1 : 0);
        }
        counter(t, queues, "vhostd_queue_packets_total", "Packets moved through the queue.", QueueView::packets);
        counter(t, queues, "vhostd_queue_bytes_total", "Bytes moved through the queue.", QueueView::bytes);
        t.family("vhostd_queue_drops_total", COUNTER, "Packets dropped on the queue, by reason.");
        for (QueueView q : queues) {
            for (Map.Entry<String, Long> d : q.drops().entrySet()) {
                t.sample("vhostd_queue_drops_total", List.of("port", q.port(), "queue", q.queue(), "reason", d.getKey()),
                        d.getValue());
            }
        }
        counter(t, queues, "vhostd_queue_ring_errors_total", "Times the ring was stopped on a guest error.",
                QueueView::ringErrors);
        counter(t, queues, "vhostd_queue_mac_limit_total",
                "Frames forwarded whose new source MAC was not learned: the port held its mac-limit.", QueueView::macLimit);
        counter(t, queues, "vhostd_queue_mac_table_full_total",
                "Frames forwarded whose new source MAC was not learned: no free MAC-table slot.", QueueView::macTableFull);
        counter(t, queues, "vhostd_queue_notify_dropped_total",
                "Guest notifications (call/err eventfd signals) of the ring the kernel refused; dropped, never retried.",
                QueueView::notifyDropped);
        counter(t, queues, "vhostd_queue_budget_exceeded_total",
                "Duty cycles in which the ring used up its descriptor budget (then out of buffers for the cycle).",
                QueueView::budgetExceeded);
    }

    private static void counter(PrometheusText t, List<QueueView> queues, String name, String help,
                                ToLongFunction<QueueView> value) {
        t.family(name, COUNTER, help);
        for (QueueView q : queues) {
            t.sample(name, queue(q), value.applyAsLong(q));
        }
    }

    private static List<String> queue(QueueView q) {
        return List.of("port", q.port(), "queue", q.queue());
    }

    private static void queueDma(PrometheusText t, List<QueueView> queues) {
        dma(t, queues, "vhostd_queue_dma_submitted_total", COUNTER, "DMA copies the queue submitted.",
                QueueView::dmaSubmitted);
        dma(t, queues, "vhostd_queue_dma_completed_total", COUNTER, "DMA copies of the queue completed (failed included).",
                QueueView::dmaCompleted);
        dma(t, queues, "vhostd_queue_dma_errors_total", COUNTER, "DMA copies of the queue that failed.",
                QueueView::dmaErrors);
        dma(t, queues, "vhostd_queue_dma_in_flight", GAUGE, "DMA copies of the queue submitted and not completed.",
                QueueView::dmaInFlight);
        counter(t, queues, "vhostd_queue_dma_unsealed_fallbacks_total", "Starts at which the queue copied with the"
                + " CPU instead of its bound channel: guest memory not sealed against shrinking, native engine.",
                QueueView::dmaUnsealedFallbacks);
    }

    private static void dma(PrometheusText t, List<QueueView> queues, String name, PrometheusText.Type type,
                            String help, ToLongFunction<QueueView> value) {
        t.family(name, type, help);
        for (QueueView q : queues) {
            List<String> labels = q.channel() == null ? queue(q)
                    : List.of("port", q.port(), "queue", q.queue(), "channel", q.channel());
            t.sample(name, labels, value.applyAsLong(q));
        }
    }

    private static void channels(PrometheusText t, List<DeviceView> devices) {
        List<ChannelView> all = new ArrayList<>();
        devices.forEach(d -> all.addAll(d.channels()));
        channel(t, all, "vhostd_dma_channel_submitted_total", "Copies submitted to the DMA channel.",
                ChannelView::submitted);
        channel(t, all, "vhostd_dma_channel_completed_total", "Copies the DMA channel completed (failed included).",
                ChannelView::completed);
        channel(t, all, "vhostd_dma_channel_errors_total", "Copies the DMA channel failed.", ChannelView::errors);
        t.family("vhostd_dma_channel_bytes_total", COUNTER,
                "Bytes the DMA channel copied, by source and destination (a port name, or host for vhostd's buffers).");
        for (ChannelView c : all) {
            for (Map.Entry<String, Long> b : c.bytes().entrySet()) {
                String key = b.getKey();
                int arrow = key.indexOf("->");
                String source = arrow < 0 ? key : key.substring(0, arrow);
                String destination = arrow < 0 ? "" : key.substring(arrow + 2);
                t.sample("vhostd_dma_channel_bytes_total", List.of("device", c.device(), "channel", c.name(),
                        "source", source, "destination", destination), b.getValue());
            }
        }
        t.family("vhostd_dma_channel_engine_total", COUNTER,
                "The DMA engine's own counters for the channel (a DPDK dmadev's statistics), by counter name.");
        for (ChannelView c : all) {
            for (Map.Entry<String, Long> e : c.engine().entrySet()) {
                t.sample("vhostd_dma_channel_engine_total", List.of("device", c.device(), "channel", c.name(),
                        "counter", e.getKey()), e.getValue());
            }
        }
        t.family("vhostd_dma_channel_bound", GAUGE, "1 while a queue is bound to the DMA channel, else 0.");
        for (ChannelView c : all) {
            t.sample("vhostd_dma_channel_bound", channelLabels(c), c.boundTo() == null ? 0 : 1);
        }
    }

    private static void channel(PrometheusText t, List<ChannelView> channels, String name, String help,
                                ToLongFunction<ChannelView> value) {
        t.family(name, COUNTER, help);
        for (ChannelView c : channels) {
            t.sample(name, channelLabels(c), value.applyAsLong(c));
        }
    }

    private static List<String> channelLabels(ChannelView c) {
        return List.of("device", c.device(), "channel", c.name());
    }

    private static void groups(PrometheusText t, List<GroupView> groups) {
        t.family("vhostd_group_members", GAUGE, "Ports in the access group.");
        for (GroupView g : groups) {
            t.sample("vhostd_group_members", List.of("group", g.name()), g.members().size());
        }
        t.family("vhostd_group_member", GAUGE, "1 for each port in an access group (role: creator or member).");
        for (GroupView g : groups) {
            for (String p : g.members()) {
                t.sample("vhostd_group_member", List.of("group", g.name(), "port", p, "role",
                        p.equals(g.creator()) ? "creator" : "member"), 1);
            }
        }
    }
}
