package io.vhostdma.backend.ctl;

import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.GetPort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.GetStatus;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListDevices;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListGroups;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListPorts;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListQueues;

import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.ctl.CtlCommand.Session;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.EventMessages;
import io.vhostdma.backend.grpc.ProtoViews;
import io.vhostdma.backend.grpc.proto.ListDevicesRequest;
import io.vhostdma.backend.grpc.proto.ListGroupsRequest;
import io.vhostdma.backend.grpc.proto.ListPortsRequest;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that only read: views, rates and events. */
final class ViewCommands {
    private ViewCommands() {
    }

    /** A read-only command. */
    abstract static class View extends CtlCommand.WithoutToken {
        @Override
        public boolean readOnly() {
            return true;
        }
    }

    @Command(name = "status", description = "version, uptime, workers")
    static final class Status extends View {
        @Override
        public void run(Session s) {
            var v = ProtoViews.fromProto(s.client().call(GetStatus, StatusRequest.getDefaultInstance()));
            s.out().print(v, () -> HumanOutput.status(v));
        }
    }

    @Command(name = "ports", description = "every port")
    static final class Ports extends View {
        @Override
        public void run(Session s) {
            List<PortView> ports = s.client().call(ListPorts, ListPortsRequest.getDefaultInstance()).getPortsList()
                    .stream().map(ProtoViews::fromProto).toList();
            s.out().print(ports, () -> HumanOutput.ports(ports));
        }
    }

    @Command(name = "port", description = "one port: features, group, memory regions")
    static final class Port extends View {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run(Session s) {
            PortView p = ProtoViews.fromProto(s.client().call(GetPort, PortRequest.newBuilder().setName(name).build()));
            s.out().print(p, () -> HumanOutput.port(p));
        }
    }

    @Command(name = "queues", description = "every queue (of PORT) with its counters")
    static final class Queues extends View {
        @Parameters(paramLabel = "PORT", arity = "0..1")
        String port;

        @Override
        public void run(Session s) {
            List<QueueView> qs = queues(s, port == null ? "" : port);
            s.out().print(qs, () -> HumanOutput.queues(qs));
        }
    }

    static List<QueueView> queues(Session s, String port) {
        return s.client().call(ListQueues, ListQueuesRequest.newBuilder().setPort(port).build()).getQueuesList()
                .stream().map(ProtoViews::fromProto).toList();
    }

    @Command(name = "dma", description = "DMA channels, their bindings and counters")
    static final class Dma extends View {
        @Override
        public void run(Session s) {
            List<DeviceView> ds = s.client().call(ListDevices, ListDevicesRequest.getDefaultInstance()).getDevicesList()
                    .stream().map(ProtoViews::fromProto).toList();
            s.out().print(ds, () -> HumanOutput.devices(ds));
        }
    }

    @Command(name = "groups", description = "access groups and members")
    static final class Groups extends View {
        @Override
        public void run(Session s) {
            List<GroupView> gs = s.client().call(ListGroups, ListGroupsRequest.getDefaultInstance()).getGroupsList()
                    .stream().map(ProtoViews::fromProto).toList();
            s.out().print(gs, () -> HumanOutput.groups(gs));
        }
    }

    @Command(name = "stats", description = "per-queue totals and rates (--watch: refresh until interrupted)")
    static final class Stats extends View {
        @Option(names = "--watch", arity = "0..1", fallbackValue = "", paramLabel = "SECONDS",
                description = "repeat every SECONDS (default 1) until interrupted")
        String watch;

        @Override
        public void check() {
            if (watch != null && !watch.isEmpty() && (!watch.matches("\\d+(\\.\\d+)?") || Double.parseDouble(watch) <= 0)) {
                throw CtlException.usage("stats: --watch SECONDS must be positive");
            }
        }

        /** Two samples {@code SECONDS} apart (1 s unless --watch says otherwise); --watch repeats. */
        @Override
        public void run(Session s) {
            double seconds = watch == null || watch.isEmpty() ? 1.0 : Double.parseDouble(watch);
            List<QueueView> before = queues(s, "");
            long t0 = System.nanoTime();
            do {
                sleep(seconds);
                List<QueueView> now = queues(s, "");
                long t1 = System.nanoTime();
                List<Rates.QueueRate> rates = Rates.between(before, now, (t1 - t0) / 1e9);
                if (watch != null) {
                    s.out().line(rates, () -> "\n" + Rates.table(rates));
                } else {
                    s.out().print(rates, () -> Rates.table(rates));
                }
                before = now;
                t0 = t1;
            } while (watch != null && !Thread.currentThread().isInterrupted());
        }

        private static void sleep(double seconds) {
            try {
                Thread.sleep((long) (seconds * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "events", description = "stream events until interrupted (or N events)")
    static final class Events extends View {
        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        String count;

        @Override
        public void check() {
            Cli.positive("events", "--count", count);
        }

        /** Streams events until interrupted, or until {@code count} arrived when it is given. */
        @Override
        public void run(Session s) {
            int limit = count == null ? 0 : Integer.parseInt(count);
            CompletableFuture<Void> stop = new CompletableFuture<>();
            AtomicInteger seen = new AtomicInteger();
            s.client().watch(msg -> {
                if (stop.isDone()) {
                    return;
                }
                BackendEvent e = EventMessages.fromProto(msg);
                s.out().line(s.out().json() ? s.out().eventJson(e) : e, () -> HumanOutput.event(e));
                if (limit > 0 && seen.incrementAndGet() >= limit) {
                    stop.complete(null);
                }
            }, stop);
        }
    }
}
