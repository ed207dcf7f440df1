package io.vhostdma.backend.control;

import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.dataplane.Worker;
import io.vhostdma.backend.dma.ChannelBindings;
import io.vhostdma.backend.dma.DmaRuntime;
import io.vhostdma.backend.stats.DropReason;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.PortConfig;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaStats;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.memory.GuestRegion;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the snapshot records from the live data plane and DMA runtime. */
final class Views {
    private final DataPlaneImpl plane;
    private final DmaRuntime dma;

    Views(DataPlaneImpl plane, DmaRuntime dma) {
        this.plane = plane;
        this.dma = dma;
    }

    PortView port(PortConfig config, PortState p) {
        VhostDevice device = p.device();
        List<RegionView> regions = new ArrayList<>();
        long features = 0;
        if (device != null) {
            features = device.features();
            GuestMemory mem = device.memory();
            for (int i = 0; i < mem.regionCount(); i++) {
                GuestRegion r = mem.region(i);
                String kind = dma.devices().isEmpty() ? "none" : r.kind();
                regions.add(new RegionView(r.gpa(), r.size(), r.segment().address(), kind));
            }
        }
        String state = device != null ? "connected"
                : config.mode() == io.vhostdma.config.PortMode.SERVER ? "listening" : "connecting";
        String group = dma.access() == null ? null : dma.access().groupOf(p.name());
        return new PortView(p.name(), config.socket().toString(), config.mode().configName(), state, features,
                FeatureNames.of(features), p.queuePairs(), group, p.domainHandle(), dma.memoryKind(p.name()),
                List.copyOf(regions));
    }

    List<QueueView> queues(PortState p) {
        List<QueueView> out = new ArrayList<>();
        for (int q = 0; q < p.queuePairs(); q++) {
            out.add(queue(p, 2 * q, p.counters().rx(q)));
            out.add(queue(p, 2 * q + 1, p.counters().tx(q)));
        }
        return out;
    }

    /** Ring {@code ring} of {@code p}. */
    QueueView queue(PortState p, int ring) {
        int q = ring / 2;
        return queue(p, ring, (ring & 1) == 0 ? p.counters().rx(q) : p.counters().tx(q));
    }

    private QueueView queue(PortState p, int ring, QueueCounters c) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            long n = c.drops(r);
            if (n > 0) {
                drops.put(r.label(), n);
            }
        }
        var binding = dma.binding(p.name(), ring);
        String channel = p.started(ring) ? c.channel() : binding == null ? null : binding.name();
        return new QueueView(p.name(), c.name(), ring, p.started(ring), plane.ownerIndex(ring), channel,
                c.packets(), c.bytes(), Map.copyOf(drops), c.ringErrors(), c.dmaSubmitted(), c.dmaCompleted(),
                c.dmaErrors(), c.dmaInFlight(), c.macLimitHits(), c.macTableFullHits(), c.notifyDropped(),
                c.budgetExceeded(), c.dmaUnsealedFallbacks(), c.csumFixups(), c.gsoSegmentedFrames(), c.gsoFrames(),
                c.lentFrames(), c.lendReturned(), c.lendStalls(), c.lendRevoked());
    }

    List<DeviceView> devices() {
        Map<Integer, String> byHandle = new HashMap<>();
        byHandle.put(0, "host");
        for (PortState p : plane.ports()) {
            if (!p.removed() && p.domainHandle() != 0) {
                byHandle.put(p.domainHandle(), p.name());
            }
        }
        List<DeviceView> out = new ArrayList<>();
        for (DmaDevice d : dma.devices().values()) {
            var info = d.info();
            List<ChannelView> channels = new ArrayList<>();
            for (int c = 0; c < info.channels(); c++) {
                DmaStats st = d.channel(c).stats();
                Map<String, Long> bytes = new LinkedHashMap<>();
                for (DmaStats.PairBytes b : st.bytes()) {
                    String key = byHandle.getOrDefault(b.srcHandle(), "domain" + b.srcHandle()) + "->"
                            + byHandle.getOrDefault(b.dstHandle(), "domain" + b.dstHandle());
                    bytes.merge(key, b.bytes(), Long::sum);
                }
                String name = d.name() + "/" + c;
                Map<String, Long> engine = new LinkedHashMap<>();
                for (DmaStats.EngineCounter e : st.engine()) {
                    engine.put(e.name(), e.value());
                }
                channels.add(new ChannelView(name, d.name(), c, holderOf(d.name(), c), st.submitted(), st.completed(),
                        st.errors(), Map.copyOf(bytes), java.util.Collections.unmodifiableMap(engine)));
            }
            out.add(new DeviceView(d.name(), info.engine(), d.channel(0) == null ? 0 : d.channel(0).ringSize(),
                    List.copyOf(channels)));
        }
        return out;
    }

    List<WorkerView> workers() {
        List<WorkerView> out = new ArrayList<>();
        Worker[] ws = plane.workers();
        int[] rings = new int[ws.length];
        for (PortState p : plane.ports()) {
            for (int r = 0; r < 2 * p.queuePairs(); r++) {
                if (!p.removed() && p.started(r)) {
                    rings[plane.ownerIndex(r)]++;
                }
            }
        }
        for (Worker w : ws) {
            long busy = w.stats().busyCycles();
            long idle = w.stats().idleCycles();
            double ratio = busy + idle == 0 ? 0.0 : (double) busy / (busy + idle);
            out.add(new WorkerView(w.id(), w.cpu(), rings[w.id()], w.stats().packets(), busy, idle,
                    w.stats().sleeps(), ratio));
        }
        return out;
    }

    /** The queue ({@code port/queue}) holding channel {@code index} of {@code device}, or null. */
    private String holderOf(String device, int index) {
        ChannelBindings.PortQueue q = dma.channels().holder(new ChannelRef(device, index));
        return q == null ? null : q.toString();
    }
}
