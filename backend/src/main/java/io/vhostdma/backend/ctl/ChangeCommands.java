package io.vhostdma.backend.ctl;

import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.AddPort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Bind;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.CreateGroup;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Join;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Leave;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.RemovePort;
import static io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient.Unbind;

import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.ctl.CtlCommand.Session;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.grpc.ProtoViews;
import io.vhostdma.backend.grpc.proto.AddPortRequest;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.CreateGroupRequest;
import io.vhostdma.backend.grpc.proto.JoinRequest;
import io.vhostdma.backend.grpc.proto.LeaveRequest;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.UnbindRequest;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that change something (only on {@code vhostd.sock}, or over TCP with the token). */
final class ChangeCommands {
    private ChangeCommands() {
    }

    /** A changing command without a token of its own. */
    abstract static class Change extends CtlCommand.WithoutToken {
        @Override
        public boolean readOnly() {
            return false;
        }
    }

    @Command(name = "bind", description = "bind (or move) a queue to a DMA channel")
    static final class BindQueue extends Change {
        @Parameters(index = "0", paramLabel = "PORT")
        String port;
        @Parameters(index = "1", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "2", paramLabel = "DEV/CH")
        String channel;

        @Override
        public void run(Session s) {
            queue(s, ProtoViews.fromProto(s.client().call(Bind, BindRequest.newBuilder().setPort(port).setQueue(queue)
                    .setChannel(channel).build())));
        }
    }

    @Command(name = "unbind", description = "return a queue to CPU copies")
    static final class UnbindQueue extends Change {
        @Parameters(index = "0", paramLabel = "PORT")
        String port;
        @Parameters(index = "1", paramLabel = "QUEUE")
        String queue;

        @Override
        public void run(Session s) {
            queue(s, ProtoViews.fromProto(s.client().call(Unbind, UnbindRequest.newBuilder().setPort(port)
                    .setQueue(queue).build())));
        }
    }

    private static void queue(Session s, QueueView q) {
        s.out().print(q, () -> HumanOutput.queue(q));
    }

    private static void group(Session s, GroupView g) {
        s.out().print(g, () -> HumanOutput.group(g));
    }

    /** A membership change: PORT and GROUP, and the group's token. */
    abstract static class Membership extends CtlCommand.WithGroupToken {
        @Parameters(index = "0", paramLabel = "PORT")
        String port;
        @Parameters(index = "1", paramLabel = "GROUP")
        String group;
    }

    @Command(name = "join", description = "join a port to an access group (the group's token)")
    static final class JoinGroup extends Membership {
        @Override
        public void run(Session s) {
            group(s, ProtoViews.fromProto(s.client().call(Join, JoinRequest.newBuilder().setPort(port).setGroup(group)
                    .setToken(token(s)).build())));
        }
    }

    @Command(name = "leave", description = "take a port out of an access group")
    static final class LeaveGroup extends Membership {
        @Override
        public void run(Session s) {
            group(s, ProtoViews.fromProto(s.client().call(Leave, LeaveRequest.newBuilder().setPort(port).setGroup(group)
                    .setToken(token(s)).build())));
        }
    }

    @Command(name = "create-group", description = "create an access group with its first member")
    static final class NewGroup extends CtlCommand.WithGroupToken {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Parameters(index = "1", paramLabel = "CREATOR")
        String creator;

        @Override
        public void run(Session s) {
            group(s, ProtoViews.fromProto(s.client().call(CreateGroup, CreateGroupRequest.newBuilder().setGroup(group)
                    .setCreator(creator).setToken(token(s)).build())));
        }
    }

    @Command(name = "add-port", description = "add a port live (server mode unless --client; SOCKET in the runtime"
            + " dir or a socket-dirs entry)")
    static final class NewPort extends Change {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "SOCKET")
        String socket;
        @Option(names = "--client", description = "vhostd connects to SOCKET (and reconnects)")
        boolean client;
        @Option(names = "--queue-pairs", paramLabel = "N", description = "queue pairs offered (default 1)")
        String queuePairs;
        @Option(names = "--socket-mode", paramLabel = "MODE", description = "socket file mode, at most 0660 (default 0600)")
        String socketMode;
        @Option(names = "--socket-group", paramLabel = "GROUP", description = "socket file group (default vhostd's)")
        String socketGroup;

        @Override
        public void check() {
            Cli.positive("add-port", "--queue-pairs", queuePairs);
        }

        @Override
        public void run(Session s) {
            AddPortRequest.Builder r = AddPortRequest.newBuilder().setName(name).setSocket(socket)
                    .setMode(client ? "client" : "server")
                    .setQueuePairs(queuePairs == null ? 1 : Integer.parseInt(queuePairs))
                    .setSocketMode(socketMode == null ? "" : socketMode)
                    .setSocketGroup(socketGroup == null ? "" : socketGroup);
            PortView p = ProtoViews.fromProto(s.client().call(AddPort, r.build()));
            s.out().print(p, () -> HumanOutput.ports(List.of(p)));
        }
    }

    @Command(name = "remove-port", description = "remove a port live")
    static final class DropPort extends Change {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run(Session s) {
            s.client().call(RemovePort, PortRequest.newBuilder().setName(name).build());
            s.out().print(Map.of("removed", name), () -> "removed port " + name + "\n");
        }
    }
}
