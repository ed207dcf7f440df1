package io.vhostdma.backend.grpc;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.grpc.proto.AddPortRequest;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.ConfigText;
import io.vhostdma.backend.grpc.proto.CreateGroupRequest;
import io.vhostdma.backend.grpc.proto.DeviceList;
import io.vhostdma.backend.grpc.proto.GetConfigRequest;
import io.vhostdma.backend.grpc.proto.Group;
import io.vhostdma.backend.grpc.proto.GroupList;
import io.vhostdma.backend.grpc.proto.JoinRequest;
import io.vhostdma.backend.grpc.proto.LeaveRequest;
import io.vhostdma.backend.grpc.proto.ListDevicesRequest;
import io.vhostdma.backend.grpc.proto.ListGroupsRequest;
import io.vhostdma.backend.grpc.proto.ListPortsRequest;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.Port;
import io.vhostdma.backend.grpc.proto.PortList;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.Queue;
import io.vhostdma.backend.grpc.proto.QueueList;
import io.vhostdma.backend.grpc.proto.RemovePortResponse;
import io.vhostdma.backend.grpc.proto.Status;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.UnbindRequest;
import io.vhostdma.backend.grpc.proto.VhostdControlService;
import io.vhostdma.config.EmbeddedDefault;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The unary RPCs: each one Management call, its view converted to the reply message, its failure to
 * a status. Reads run on the event loop (they are snapshots); group changes, which touch every DMA
 * device, run on a worker thread; live operations returning a stage complete on the caller's context.
 */
final class ControlService extends VhostdControlService {
    private final Vertx vertx;
    private final Management m;

    ControlService(Vertx vertx, Management m) {
        this.vertx = vertx;
        this.m = m;
    }

    @Override
    public Future<Status> getStatus(StatusRequest request) {
        return now(() -> ProtoViews.toProto(m.status()));
    }

    @Override
    public Future<PortList> listPorts(ListPortsRequest request) {
        return now(() -> {
            PortList.Builder b = PortList.newBuilder();
            for (PortView p : m.ports()) {
                b.addPorts(ProtoViews.toProto(p));
            }
            return b.build();
        });
    }

    @Override
    public Future<Port> getPort(PortRequest request) {
        return now(() -> ProtoViews.toProto(m.port(request.getName())));
    }

    @Override
    public Future<QueueList> listQueues(ListQueuesRequest request) {
        return now(() -> {
            QueueList.Builder b = QueueList.newBuilder();
            for (QueueView q : m.queues(ProtoViews.nullable(request.getPort()))) {
                b.addQueues(ProtoViews.toProto(q));
            }
            return b.build();
        });
    }

    @Override
    public Future<DeviceList> listDevices(ListDevicesRequest request) {
        return now(() -> {
            DeviceList.Builder b = DeviceList.newBuilder();
            m.devices().forEach(d -> b.addDevices(ProtoViews.toProto(d)));
            return b.build();
        });
    }

    @Override
    public Future<ConfigText> getConfig(GetConfigRequest request) {
        return now(() -> ConfigText.newBuilder().setYaml(EmbeddedDefault.yaml(m.runningConfig())).build());
    }

    @Override
    public Future<GroupList> listGroups(ListGroupsRequest request) {
        return now(() -> {
            GroupList.Builder b = GroupList.newBuilder();
            m.groups().forEach(g -> b.addGroups(ProtoViews.toProto(g)));
            return b.build();
        });
    }

    @Override
    public Future<Queue> bind(BindRequest r) {
        return later(() -> m.bind(r.getPort(), r.getQueue(), r.getChannel()), ProtoViews::toProto);
    }

    @Override
    public Future<Queue> unbind(UnbindRequest r) {
        return later(() -> m.unbind(r.getPort(), r.getQueue()), ProtoViews::toProto);
    }

    @Override
    public Future<Port> addPort(AddPortRequest r) {
        return later(() -> m.addPort(portConfig(r)), ProtoViews::toProto);
    }

    @Override
    public Future<RemovePortResponse> removePort(PortRequest r) {
        return later(() -> m.removePort(r.getName()), v -> RemovePortResponse.getDefaultInstance());
    }

    @Override
    public Future<Group> createGroup(CreateGroupRequest r) {
        return blocking(() -> ProtoViews.toProto(m.createGroup(r.getGroup(), r.getToken(), r.getCreator())));
    }

    @Override
    public Future<Group> join(JoinRequest r) {
        return blocking(() -> ProtoViews.toProto(m.join(r.getPort(), r.getGroup(), r.getToken())));
    }

    @Override
    public Future<Group> leave(LeaveRequest r) {
        return blocking(() -> ProtoViews.toProto(m.leave(r.getPort(), r.getGroup(), r.getToken())));
    }

    /** The port an AddPort request describes; INVALID_ARGUMENT for a mode or socket mode that does not parse. */
    static PortConfig portConfig(AddPortRequest r) {
        PortMode mode = switch (r.getMode()) {
            case "", "server" -> PortMode.SERVER;
            case "client" -> PortMode.CLIENT;
            default -> throw new ControlException(ControlException.Code.INVALID_ARGUMENT,
                    "mode must be server or client: port=" + r.getName() + " mode=" + r.getMode());
        };
        int socketMode = PortConfig.DEFAULT_SOCKET_MODE;
        if (!r.getSocketMode().isEmpty()) {
            if (!r.getSocketMode().matches("0?[0-7]{3}")) {
                throw new ControlException(ControlException.Code.INVALID_ARGUMENT,
                        "socket mode must be octal like 0660: port=" + r.getName() + " socket_mode=" + r.getSocketMode());
            }
            socketMode = Integer.parseInt(r.getSocketMode(), 8);
        }
        Path socket;
        try {
            socket = Path.of(r.getSocket());
        } catch (InvalidPathException e) {
            throw new ControlException(ControlException.Code.INVALID_ARGUMENT,
                    "socket is not a path: port=" + r.getName() + " socket=" + r.getSocket());
        }
        int queuePairs = r.getQueuePairs() == 0 ? PortConfig.DEFAULT_QUEUE_PAIRS : r.getQueuePairs();
        return new PortConfig(r.getName(), socket, mode, queuePairs, socketMode,
                r.getSocketGroup().isEmpty() ? null : r.getSocketGroup());
    }

    private static <T> Future<T> now(Supplier<T> body) {
        try {
            return Future.succeededFuture(body.get());
        } catch (RuntimeException e) {
            return Future.failedFuture(Statuses.toStatus(e));
        }
    }

    private <T> Future<T> blocking(Supplier<T> body) {
        return vertx.executeBlocking(body::get, false).recover(e -> Future.failedFuture(Statuses.toStatus(e)));
    }

    private static <V, T> Future<T> later(Supplier<CompletionStage<V>> body, Function<V, T> reply) {
        Future<V> f;
        try {
            Context ctx = Vertx.currentContext();
            f = ctx == null ? Future.fromCompletionStage(body.get()) : Future.fromCompletionStage(body.get(), ctx);
        } catch (RuntimeException e) {
            return Future.failedFuture(Statuses.toStatus(e));
        }
        return f.map(reply).recover(e -> Future.failedFuture(Statuses.toStatus(e)));
    }
}
