package io.vhostdma.backend.ctl;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.control.RegionView;
import io.vhostdma.backend.control.StatusView;
import io.vhostdma.backend.control.WorkerView;
import io.vhostdma.backend.events.BackendEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders management views for a person: key/value blocks and aligned tables. */
final class HumanOutput {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private HumanOutput() {
    }

    static String status(StatusView s) {
        StringBuilder sb = new StringBuilder();
        sb.append("version:       ").append(s.version()).append('\n');
        sb.append("uptime:        ").append(duration(s.uptimeMillis())).append('\n');
        sb.append("forwarding:    ").append(s.forwarding()).append('\n');
        sb.append("ports:         ").append(s.ports()).append('\n');
        sb.append("engines:       ").append(String.join(", ", s.engines())).append('\n');
        sb.append("refused joins: ").append(s.refusedJoins()).append('\n');
        Table t = new Table("WORKER#", "CPU#", "RINGS#", "PACKETS#", "BUSY#", "BUSY_CYCLES#", "IDLE_CYCLES#", "SLEEPS#");
        for (WorkerView w : s.workers()) {
            t.row(w.id(), w.cpu() < 0 ? "-" : Integer.toString(w.cpu()), w.rings(), w.packets(),
                    String.format(Locale.ROOT, "%.1f%%", w.busyRatio() * 100), w.busyCycles(), w.idleCycles(),
                    w.sleeps());
        }
        return sb.append('\n').append(t.render()).toString();
    }

    static String duration(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    static String ports(List<PortView> ports) {
        Table t = new Table("PORT", "MODE", "STATE", "QP#", "GROUP", "FEATURES", "MEMORY", "SOCKET");
        for (PortView p : ports) {
            t.row(p.name(), p.mode(), p.state(), p.queuePairs(), p.group(), hex(p.features()), p.memoryKind(), p.socket());
        }
        return t.render();
    }

    static String port(PortView p) {
        StringBuilder sb = new StringBuilder();
        sb.append("port:          ").append(p.name()).append('\n');
        sb.append("socket:        ").append(p.socket()).append(" (").append(p.mode()).append(")\n");
        sb.append("state:         ").append(p.state()).append('\n');
        sb.append("queue pairs:   ").append(p.queuePairs()).append('\n');
        sb.append("features:      ").append(hex(p.features()));
        if (!p.featureNames().isEmpty()) {
            sb.append(' ').append(String.join(" ", p.featureNames()));
        }
        sb.append('\n');
        sb.append("group:         ").append(p.group() == null ? "-" : p.group()).append('\n');
        sb.append("domain handle: ").append(p.domainHandle()).append('\n');
        sb.append("memory:        ").append(p.memoryKind() == null ? "-" : p.memoryKind()).append('\n');
        if (!p.regions().isEmpty()) {
            Table t = new Table("GUEST_PHYS", "SIZE#", "HOST_ADDR", "KIND");
            for (RegionView r : p.regions()) {
                t.row(hex(r.guestPhysAddr()), r.size(), hex(r.hostAddr()), r.kind());
            }
            sb.append('\n').append(t.render());
        }
        return sb.toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String queues(List<QueueView> queues) {
        Table t = new Table("PORT", "QUEUE", "RING#", "STARTED", "WORKER#", "CHANNEL", "PACKETS#", "BYTES#", "DROPS#",
                "RING_ERR#", "DMA_SUB#", "DMA_DONE#", "DMA_ERR#", "IN_FLIGHT#");
        for (QueueView q : queues) {
            t.row(q.port(), q.queue(), q.ringIndex(), q.started() ? "yes" : "no", q.worker(), q.channel(), q.packets(),
                    q.bytes(), drops(q), q.ringErrors(), q.dmaSubmitted(), q.dmaCompleted(), q.dmaErrors(),
                    q.dmaInFlight());
        }
        return t.render();
    }

    static long drops(QueueView q) {
        long n = 0;
        for (long d : q.drops().values()) {
            n += d;
        }
        return n;
    }

    static String devices(List<DeviceView> devices) {
        Table t = new Table("CHANNEL", "ENGINE", "RING#", "BOUND_TO", "SUBMITTED#", "COMPLETED#", "ERRORS#", "BYTES",
                "ENGINE_STATS");
        for (DeviceView d : devices) {
            for (ChannelView c : d.channels()) {
                t.row(c.name(), d.engine(), d.ringSize(), c.boundTo(), c.submitted(), c.completed(), c.errors(),
                        bytes(c.bytes()), bytes(c.engine()));
            }
        }
        return t.render();
    }

    private static String bytes(Map<String, Long> bytes) {
        if (bytes.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        bytes.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    static String groups(List<GroupView> groups) {
        Table t = new Table("GROUP", "CREATOR", "MEMBERS");
        for (GroupView g : groups) {
            t.row(g.name(), g.creator(), String.join(",", g.members()));
        }
        return t.render();
    }

    static String queue(QueueView q) {
        return q.port() + " " + q.queue() + " channel=" + (q.channel() == null ? "cpu" : q.channel())
                + " started=" + q.started() + "\n";
    }

    static String group(GroupView g) {
        return "group " + g.name() + " creator=" + g.creator() + " members=" + String.join(",", g.members()) + "\n";
    }

    /** One event on one line: {@code SEQ TIME TYPE key=value ...}. */
    static String event(BackendEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.sequence()).append(' ').append(TIME.format(Instant.ofEpochMilli(e.timeMillis()))).append(' ')
                .append(e.type());
        for (var c : e.getClass().getRecordComponents()) {
            String n = c.getName();
            if (n.equals("sequence") || n.equals("timeMillis")) {
                continue;
            }
            Object v;
            try {
                v = c.getAccessor().invoke(e);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("cannot read event field: field=" + n, ex);
            }
            sb.append(' ').append(n).append('=').append(v instanceof List<?> l ? String.join(",",
                    l.stream().map(String::valueOf).toList()) : v == null ? "-" : v);
        }
        return sb.append('\n').toString();
    }
}
