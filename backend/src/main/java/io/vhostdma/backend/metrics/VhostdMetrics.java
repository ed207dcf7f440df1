package io.vhostdma.backend.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
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
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * vhostd's metric families as a prometheus-metrics {@link MultiCollector}: each scrape takes the
 * {@link Management} views at that moment and turns them into snapshots; the library writes the text.
 * Family names, labels and HELP texts are listed in docs/management.md; this class is their single
 * definition. A counter's name is written here with its {@code _total}, which the library adds back.
 */
public final class VhostdMetrics implements MultiCollector {
    /** The RPCs {@code vhostd_management_refused_total} starts at 0 for, so a rate exists before the first. */
    static final List<String> REFUSABLE = List.of("Bind", "Unbind", "AddPort", "RemovePort", "CreateGroup", "Join",
            "Leave", "GetConfig", "Capture", "CaptureBatches", "other");
    private final Management m;

    public VhostdMetrics(Management m) {
        this.m = m;
    }

    @Override
    public MetricSnapshots collect() {
        return collect(Snapshot.of(m));
    }

    /** The snapshots one scrape is built from; {@code refusals} are refused management calls by RPC. */
    public record Snapshot(StatusView status, List<PortView> ports, List<QueueView> queues,
                           List<DeviceView> devices, List<GroupView> groups, Map<String, Long> refusals) {
        /** Takes every view from {@code m} now. */
        public static Snapshot of(Management m) {
            return new Snapshot(m.status(), m.ports(), m.queues(null), m.devices(), m.groups(), m.refusals().snapshot());
        }
    }

    /** One sample of a family. */
    private record Sample(Labels labels, double value) {
    }

    /** The families of {@code s}. */
    public static MetricSnapshots collect(Snapshot s) {
        List<MetricSnapshot> out = new ArrayList<>();
        backend(out, s.status(), s.refusals());
        workers(out, s.status().workers());
        ports(out, s.ports());
        queues(out, s.queues());
        queueLending(out, s.queues());
        queueDma(out, s.queues());
        channels(out, s.devices());
        groups(out, s.groups());
        return new MetricSnapshots(out);
    }

    private static void backend(List<MetricSnapshot> out, StatusView s, Map<String, Long> refusals) {
        out.add(InfoSnapshot.builder().name("vhostd").help("Constant 1, labelled with the version and forwarding mode.")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", s.version(), "forwarding", s.forwarding())).build()).build());
        gauge(out, "vhostd_start_time_seconds", "Start time of the backend, seconds since the epoch.",
                List.of(new Sample(Labels.EMPTY, s.startedMillis() / 1000.0)));
        gauge(out, "vhostd_uptime_seconds", "Time since the backend started.",
                List.of(new Sample(Labels.EMPTY, s.uptimeMillis() / 1000.0)));
        counter(out, "vhostd_refused_joins_total", "Access-group joins refused (wrong token, unknown group, ...).",
                List.of(new Sample(Labels.EMPTY, s.refusedJoins())));
        Map<String, Long> byRpc = new TreeMap<>();
        REFUSABLE.forEach(rpc -> byRpc.put(rpc, 0L));
        byRpc.putAll(refusals);
        counter(out, "vhostd_management_refused_total", "Management calls refused by the endpoint they arrived on"
                + " (a mutating RPC on the read-only socket, or over TCP without the token), by RPC.",
                samples(List.copyOf(byRpc.entrySet()), e -> Labels.of("rpc", e.getKey()), e -> e.getValue()));
    }

    private static void workers(List<MetricSnapshot> out, List<WorkerView> workers) {
        Function<WorkerView, Labels> worker = w -> Labels.of("worker", Integer.toString(w.id()));
        gauge(out, "vhostd_worker_busy_ratio", "Share of a worker's duty cycles that moved something (0..1).",
                samples(workers, worker, WorkerView::busyRatio));
        counter(out, "vhostd_worker_packets_total", "Packets a worker moved.", samples(workers, worker, WorkerView::packets));
        List<Sample> cycles = new ArrayList<>();
        for (WorkerView w : workers) {
            cycles.add(new Sample(Labels.of("worker", Integer.toString(w.id()), "state", "busy"), w.busyCycles()));
            cycles.add(new Sample(Labels.of("worker", Integer.toString(w.id()), "state", "idle"), w.idleCycles()));
        }
        counter(out, "vhostd_worker_cycles_total", "Duty cycles of a worker, by state: busy (moved something) or idle.",
                cycles);
        counter(out, "vhostd_worker_sleeps_total", "Times a worker slept on its eventfds.",
                samples(workers, worker, WorkerView::sleeps));
        gauge(out, "vhostd_worker_rings", "Rings a worker serves.", samples(workers, worker, WorkerView::rings));
    }

    private static void ports(List<MetricSnapshot> out, List<PortView> ports) {
        Function<PortView, Labels> port = p -> Labels.of("port", p.name());
        gauge(out, "vhostd_port_connected", "1 while a front end is connected to the port, else 0.",
                samples(ports, port, p -> "connected".equals(p.state()) ? 1 : 0));
        gauge(out, "vhostd_port_queue_pairs", "Queue pairs the port offers.", samples(ports, port, PortView::queuePairs));
        gauge(out, "vhostd_port_memory_bytes", "Guest memory mapped for the port's front end.",
                samples(ports, port, p -> p.regions().stream().mapToLong(RegionView::size).sum()));
    }

    private static void queues(List<MetricSnapshot> out, List<QueueView> queues) {
        Function<QueueView, Labels> queue = q -> Labels.of("port", q.port(), "queue", q.queue());
        gauge(out, "vhostd_queue_started", "1 while a worker serves the queue, else 0.",
                samples(queues, queue, q -> q.started() ? 1 : 0));
        counter(out, "vhostd_queue_packets_total", "Packets moved through the queue.",
                samples(queues, queue, QueueView::packets));
        counter(out, "vhostd_queue_bytes_total", "Bytes moved through the queue.", samples(queues, queue, QueueView::bytes));
        List<Sample> drops = new ArrayList<>();
        for (QueueView q : queues) {
            q.drops().forEach((reason, n) -> drops.add(new Sample(Labels.of("port", q.port(), "queue", q.queue(),
                    "reason", reason), n)));
        }
        counter(out, "vhostd_queue_drops_total", "Packets dropped on the queue, by reason.", drops);
        counter(out, "vhostd_queue_ring_errors_total", "Times the ring was stopped on a guest error.",
                samples(queues, queue, QueueView::ringErrors));
        counter(out, "vhostd_queue_mac_limit_total", "Frames forwarded whose new source MAC was not learned: the port"
                + " held its mac-limit.", samples(queues, queue, QueueView::macLimit));
        counter(out, "vhostd_queue_mac_table_full_total", "Frames forwarded whose new source MAC was not learned: no"
                + " free MAC-table slot.", samples(queues, queue, QueueView::macTableFull));
        counter(out, "vhostd_queue_notify_dropped_total", "Guest notifications (call/err eventfd signals) of the ring"
                + " the kernel refused; dropped, never retried.", samples(queues, queue, QueueView::notifyDropped));
        counter(out, "vhostd_queue_budget_exceeded_total", "Duty cycles in which the ring used up its descriptor budget"
                + " (then out of buffers for the cycle).", samples(queues, queue, QueueView::budgetExceeded));
        counter(out, "vhostd_queue_csum_fixups_total", "Frames whose partial checksum vhostd completed in software for"
                + " the queue (its guest did not negotiate GUEST_CSUM).", samples(queues, queue, QueueView::csumFixups));
        counter(out, "vhostd_queue_gso_segmented_total", "GSO frames vhostd segmented in software for the queue (its"
                + " guest did not negotiate the GUEST_TSO4/6 they need).", samples(queues, queue, QueueView::gsoSegmented));
        counter(out, "vhostd_queue_gso_frames_total", "GSO frames delivered whole into the queue, with their GSO"
                + " header.", samples(queues, queue, QueueView::gsoFrames));
    }

    /** The lending receiver's counters of each (TX) queue: lent = returned + revoked + held now. */
    private static void queueLending(List<MetricSnapshot> out, List<QueueView> queues) {
        Function<QueueView, Labels> queue = q -> Labels.of("port", q.port(), "queue", q.queue());
        counter(out, "vhostd_queue_lent_total", "Frames of the queue lent in place to a lending reactive receiver.",
                samples(queues, queue, QueueView::lent));
        counter(out, "vhostd_queue_lend_returned_total", "Lent chains of the queue given back to the guest after the"
                + " receiver released them.", samples(queues, queue, QueueView::lendReturned));
        counter(out, "vhostd_queue_lend_stalls_total", "Bursts of the queue the lending bound stopped (back-pressure on"
                + " the guest).", samples(queues, queue, QueueView::lendStalls));
        counter(out, "vhostd_queue_lend_revoked_total", "Lent chains of the queue given back early because their views"
                + " were revoked (ring stop, memory-table change, disconnect, receiver end).",
                samples(queues, queue, QueueView::lendRevoked));
    }

    private static void queueDma(List<MetricSnapshot> out, List<QueueView> queues) {
        Function<QueueView, Labels> bound = q -> q.channel() == null ? Labels.of("port", q.port(), "queue", q.queue())
                : Labels.of("port", q.port(), "queue", q.queue(), "channel", q.channel());
        counter(out, "vhostd_queue_dma_submitted_total", "DMA copies the queue submitted.",
                samples(queues, bound, QueueView::dmaSubmitted));
        counter(out, "vhostd_queue_dma_completed_total", "DMA copies of the queue completed (failed included).",
                samples(queues, bound, QueueView::dmaCompleted));
        counter(out, "vhostd_queue_dma_errors_total", "DMA copies of the queue that failed.",
                samples(queues, bound, QueueView::dmaErrors));
        gauge(out, "vhostd_queue_dma_in_flight", "DMA copies of the queue submitted and not completed.",
                samples(queues, bound, QueueView::dmaInFlight));
        counter(out, "vhostd_queue_dma_unsealed_fallbacks_total", "Starts at which the queue copied with the CPU"
                + " instead of its bound channel: guest memory not sealed against shrinking, native engine.",
                samples(queues, q -> Labels.of("port", q.port(), "queue", q.queue()), QueueView::dmaUnsealedFallbacks));
    }

    private static void channels(List<MetricSnapshot> out, List<DeviceView> devices) {
        List<ChannelView> all = devices.stream().flatMap(d -> d.channels().stream()).toList();
        Function<ChannelView, Labels> channel = c -> Labels.of("device", c.device(), "channel", c.name());
        counter(out, "vhostd_dma_channel_submitted_total", "Copies submitted to the DMA channel.",
                samples(all, channel, ChannelView::submitted));
        counter(out, "vhostd_dma_channel_completed_total", "Copies the DMA channel completed (failed included).",
                samples(all, channel, ChannelView::completed));
        counter(out, "vhostd_dma_channel_errors_total", "Copies the DMA channel failed.",
                samples(all, channel, ChannelView::errors));
        List<Sample> bytes = new ArrayList<>();
        List<Sample> engine = new ArrayList<>();
        for (ChannelView c : all) {
            c.bytes().forEach((key, n) -> {
                int arrow = key.indexOf("->");
                bytes.add(new Sample(Labels.of("device", c.device(), "channel", c.name(), "source",
                        arrow < 0 ? key : key.substring(0, arrow), "destination", arrow < 0 ? "" : key.substring(arrow + 2)),
                        n));
            });
            c.engine().forEach((counter, n) -> engine.add(new Sample(Labels.of("device", c.device(), "channel",
                    c.name(), "counter", counter), n)));
        }
        counter(out, "vhostd_dma_channel_bytes_total", "Bytes the DMA channel copied, by source and destination (a"
                + " port name, or host for vhostd's buffers).", bytes);
        counter(out, "vhostd_dma_channel_engine_total", "The DMA engine's own counters for the channel (a DPDK dmadev's"
                + " statistics), by counter name.", engine);
        gauge(out, "vhostd_dma_channel_bound", "1 while a queue is bound to the DMA channel, else 0.",
                samples(all, channel, c -> c.boundTo() == null ? 0 : 1));
    }

    private static void groups(List<MetricSnapshot> out, List<GroupView> groups) {
        gauge(out, "vhostd_group_members", "Ports in the access group.",
                samples(groups, g -> Labels.of("group", g.name()), g -> g.members().size()));
        List<Sample> members = new ArrayList<>();
        for (GroupView g : groups) {
            for (String p : g.members()) {
                members.add(new Sample(Labels.of("group", g.name(), "port", p, "role",
                        p.equals(g.creator()) ? "creator" : "member"), 1));
            }
        }
        gauge(out, "vhostd_group_member", "1 for each port in an access group (role: creator or member).", members);
    }

    private static <T> List<Sample> samples(List<T> items, Function<T, Labels> labels, ToDoubleFunction<T> value) {
        List<Sample> out = new ArrayList<>(items.size());
        for (T item : items) {
            out.add(new Sample(labels.apply(item), value.applyAsDouble(item)));
        }
        return out;
    }

    /** A counter family; {@code name} ends in {@code _total}, which the library writes itself. */
    private static void counter(List<MetricSnapshot> out, String name, String help, List<Sample> samples) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name.substring(0, name.length() - "_total".length()))
                .help(help);
        for (Sample s : samples) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(s.labels()).value(s.value()).build());
        }
        out.add(b.build());
    }

    private static void gauge(List<MetricSnapshot> out, String name, String help, List<Sample> samples) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (Sample s : samples) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(s.labels()).value(s.value()).build());
        }
        out.add(b.build());
    }
}
