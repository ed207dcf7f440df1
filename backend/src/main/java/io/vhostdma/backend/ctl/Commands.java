package io.vhostdma.backend.ctl;

import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.AddPort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Bind;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.CreateGroup;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.GetPort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.GetStatus;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Join;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Leave;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListDevices;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListGroups;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListPorts;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.ListQueues;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.RemovePort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Unbind;

import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.EventMessages;
import io.vhostdma.backend.grpc.ProtoViews;
import io.vhostdma.backend.grpc.proto.AddPortRequest;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.CreateGroupRequest;
import io.vhostdma.backend.grpc.proto.JoinRequest;
import io.vhostdma.backend.grpc.proto.LeaveRequest;
import io.vhostdma.backend.grpc.proto.ListDevicesRequest;
import io.vhostdma.backend.grpc.proto.ListGroupsRequest;
import io.vhostdma.backend.grpc.proto.ListPortsRequest;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.UnbindRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs one parsed command against the server and prints its result. */
final class Commands {
    private final CtlClient client;
    private final Output out;
    private final Secrets secrets;

    Commands(CtlClient client, Output out, Secrets secrets) {
        this.client = client;
        this.out = out;
        this.secrets = secrets;
    }

    void run(Command c) {
        switch (c.name()) {
            case "status" -> {
                var s = ProtoViews.fromProto(client.call(GetStatus, StatusRequest.getDefaultInstance()));
                out.print(s, () -> HumanOutput.status(s));
            }
            case "ports" -> {
                List<PortView> ports = ports();
                out.print(ports, () -> HumanOutput.ports(ports));
            }
            case "port" -> {
                PortView p = ProtoViews.fromProto(client.call(GetPort, PortRequest.newBuilder().setName(c.arg(0)).build()));
                out.print(p, () -> HumanOutput.port(p));
            }
            case "queues" -> {
                List<QueueView> qs = queues(c.positional().isEmpty() ? "" : c.arg(0));
                out.print(qs, () -> HumanOutput.queues(qs));
            }
            case "stats" -> stats(c);
            case "dma" -> {
                List<DeviceView> ds = client.call(ListDevices, ListDevicesRequest.getDefaultInstance()).getDevicesList()
                        .stream().map(ProtoViews::fromProto).toList();
                out.print(ds, () -> HumanOutput.devices(ds));
            }
            case "groups" -> {
                List<GroupView> gs = client.call(ListGroups, ListGroupsRequest.getDefaultInstance()).getGroupsList()
                        .stream().map(ProtoViews::fromProto).toList();
                out.print(gs, () -> HumanOutput.groups(gs));
            }
            case "events" -> events(c.intOption("--count", 0));
            default -> change(c);
        }
    }

    /** The commands that change something. */
    private void change(Command c) {
        switch (c.name()) {
            case "bind" -> queue(ProtoViews.fromProto(client.call(Bind, BindRequest.newBuilder().setPort(c.arg(0))
                    .setQueue(c.arg(1)).setChannel(c.arg(2)).build())));
            case "unbind" -> queue(ProtoViews.fromProto(client.call(Unbind, UnbindRequest.newBuilder()
                    .setPort(c.arg(0)).setQueue(c.arg(1)).build())));
            case "join" -> group(ProtoViews.fromProto(client.call(Join, JoinRequest.newBuilder().setPort(c.arg(0))
                    .setGroup(c.arg(1)).setToken(token(c)).build())));
            case "leave" -> group(ProtoViews.fromProto(client.call(Leave, LeaveRequest.newBuilder().setPort(c.arg(0))
                    .setGroup(c.arg(1)).setToken(token(c)).build())));
            case "create-group" -> group(ProtoViews.fromProto(client.call(CreateGroup, CreateGroupRequest.newBuilder()
                    .setGroup(c.arg(0)).setCreator(c.arg(1)).setToken(token(c)).build())));
            case "add-port" -> {
                AddPortRequest.Builder r = AddPortRequest.newBuilder().setName(c.arg(0)).setSocket(c.arg(1))
                        .setMode(c.options().containsKey("--client") ? "client" : "server")
                        .setQueuePairs(c.intOption("--queue-pairs", 1))
                        .setSocketMode(c.options().getOrDefault("--socket-mode", ""))
                        .setSocketGroup(c.options().getOrDefault("--socket-group", ""));
                PortView p = ProtoViews.fromProto(client.call(AddPort, r.build()));
                out.print(p, () -> HumanOutput.ports(List.of(p)));
            }
            case "remove-port" -> {
                client.call(RemovePort, PortRequest.newBuilder().setName(c.arg(0)).build());
                out.print(Map.of("removed", c.arg(0)), () -> "removed port " + c.arg(0) + "\n");
            }
            default -> throw new IllegalStateException("command without handler: command=" + c.name());
        }
    }

    /** The group token the command's {@code --token-file} names. */
    private String token(Command c) {
        return secrets.read(c.options().get(Command.TOKEN_FILE));
    }

    private void queue(QueueView q) {
        out.print(q, () -> HumanOutput.queue(q));
    }

    private void group(GroupView g) {
        out.print(g, () -> HumanOutput.group(g));
    }

    private List<PortView> ports() {
        return client.call(ListPorts, ListPortsRequest.getDefaultInstance()).getPortsList().stream()
                .map(ProtoViews::fromProto).toList();
    }

    private List<QueueView> queues(String port) {
        return client.call(ListQueues, ListQueuesRequest.newBuilder().setPort(port).build()).getQueuesList().stream()
                .map(ProtoViews::fromProto).toList();
    }

    /** Two samples {@code SECONDS} apart (1 s unless --watch says otherwise); --watch repeats until interrupted. */
    private void stats(Command c) {
        String watch = c.options().get("--watch");
        double seconds = watch == null || watch.isEmpty() ? 1.0 : Double.parseDouble(watch);
        if (seconds <= 0) {
            throw CtlException.usage("stats: --watch SECONDS must be positive");
        }
        List<QueueView> before = queues("");
        long t0 = System.nanoTime();
        do {
            sleep(seconds);
            List<QueueView> now = queues("");
            long t1 = System.nanoTime();
            List<Rates.QueueRate> rates = Rates.between(before, now, (t1 - t0) / 1e9);
            if (watch != null) {
                out.line(rates, () -> "\n" + Rates.table(rates));
            } else {
                out.print(rates, () -> Rates.table(rates));
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

    /** Streams events until interrupted, or until {@code count} arrived when it is positive. */
    private void events(int count) {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        AtomicInteger seen = new AtomicInteger();
        client.watch(msg -> {
            if (stop.isDone()) {
                return;
            }
            BackendEvent e = EventMessages.fromProto(msg);
            out.line(out.json() ? out.eventJson(e) : e, () -> HumanOutput.event(e));
            if (count > 0 && seen.incrementAndGet() >= count) {
                stop.complete(null);
            }
        }, stop);
    }
}
