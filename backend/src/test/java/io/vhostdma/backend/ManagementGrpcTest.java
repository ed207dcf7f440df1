package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.Channel;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.JoinRequest;
import io.vhostdma.backend.grpc.proto.ListDevicesRequest;
import io.vhostdma.backend.grpc.proto.ListGroupsRequest;
import io.vhostdma.backend.grpc.proto.ListPortsRequest;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.Port;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.Queue;
import io.vhostdma.backend.grpc.proto.Status;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC service of a running vhostd with Java front ends attached, through the generated client. */
class ManagementGrpcTest {
    private static final int FRAMES = 50;
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private DaemonFixture start() {
        return DaemonFixture.builder(dir).port("a", 1).port("b", 1).port("c", 1).dma("dma0", "cpu", 4, 256, 0, 0)
                .bind("a", "rxq0", "dma0", 0).bind("a", "txq0", "dma0", 1).group("g1", "token-g1", "a", "b").start();
    }

    /** A client of the socket that serves every RPC ({@code vhostd.sock} in the runtime directory). */
    private VhostdControlGrpcClient client(DaemonFixture d) {
        return VhostdControlGrpcClient.create(GrpcClient.client(vertx),
                SocketAddress.domainSocketAddress(d.vhostd().controlSocket().toString()));
    }

    static <T> T get(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(DaemonFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new CompletionException(e.getCause() == null ? e : e.getCause());
        }
    }

    private static GrpcStatus status(Future<?> f) {
        CompletionException e = assertThrows(CompletionException.class, () -> get(f));
        return assertInstanceOf(InvalidStatusException.class, e.getCause()).actualStatus();
    }

    private static Queue queue(VhostdControlGrpcClient c, String port, String queue) {
        for (Queue q : get(c.listQueues(ListQueuesRequest.newBuilder().setPort(port).build())).getQueuesList()) {
            if (q.getQueue().equals(queue)) {
                return q;
            }
        }
        throw new AssertionError("no queue " + port + "/" + queue);
    }

    @Test
    void shouldReturnWhatTheBackendHasWhenFrontEndsAreAttachedAndTrafficFlowed() {
        try (DaemonFixture d = start()) {
            VhostdControlGrpcClient c = client(d);
            VhostUserFrontend a = d.connect("a");
            VhostUserFrontend b = d.connect("b");
            long bytes = 0;
            for (int i = 0; i < FRAMES; i++) {
                byte[] f = Frames.frame(Frames.mac(0xb), Frames.mac(0xa), i, 60 + i, 1);
                Receive.send(a, f);
                Receive.expect(b, f, "frame " + i + " at b");
                bytes += f.length;
            }
            DaemonFixture.awaitUntil(() -> queue(c, "a", "txq0").getPackets() == FRAMES
                    && queue(c, "b", "rxq0").getPackets() == FRAMES, "queue counters moved");
            assertEquals(bytes, queue(c, "a", "txq0").getBytes(), "a txq0 bytes");
            assertEquals(bytes, queue(c, "b", "rxq0").getBytes(), "b rxq0 bytes");
            assertEquals("dma0/1", queue(c, "a", "txq0").getChannel());
            assertTrue(queue(c, "a", "txq0").getStarted());

            Status s = get(c.getStatus(StatusRequest.getDefaultInstance()));
            assertEquals(3, s.getPorts());
            assertEquals(1, s.getWorkersCount());
            assertFalse(s.getVersion().isEmpty());
            assertTrue(s.getWorkers(0).getPackets() > 0, "worker moved packets: " + s.getWorkers(0));

            List<Port> ports = get(c.listPorts(ListPortsRequest.getDefaultInstance())).getPortsList();
            assertEquals(List.of("a", "b", "c"), ports.stream().map(Port::getName).toList());
            assertEquals("listening", ports.get(2).getState(), "no front end on c");
            assertEquals(0, ports.get(2).getFeatures());
            for (Port p : ports.subList(0, 2)) {
                assertEquals("connected", p.getState(), p.getName());
                assertNotEquals(0, p.getFeatures(), "features negotiated on " + p.getName());
                assertTrue(p.getFeatureNamesList().contains("VERSION_1"), p.getFeatureNamesList().toString());
            }
            Port pa = get(c.getPort(PortRequest.newBuilder().setName("a").build()));
            assertEquals("g1", pa.getGroup());
            assertFalse(pa.getRegionsList().isEmpty(), "memory regions mapped");
            assertEquals(d.socket("a").toString(), pa.getSocket());

            List<Channel> channels = get(c.listDevices(ListDevicesRequest.getDefaultInstance())).getDevices(0)
                    .getChannelsList();
            assertEquals(List.of("dma0/0", "dma0/1", "dma0/2", "dma0/3"), channels.stream().map(Channel::getName).toList());
            assertEquals("a/rxq0", channels.get(0).getBoundTo());
            assertEquals("a/txq0", channels.get(1).getBoundTo());
            assertEquals("", channels.get(2).getBoundTo());
            assertEquals(List.of("a", "b"), get(c.listGroups(ListGroupsRequest.getDefaultInstance())).getGroups(0)
                    .getMembersList());
        }
    }

    @Test
    void shouldAnswerErrorCodesWhenInputIsBadAndApplyValidChanges() {
        try (DaemonFixture d = start()) {
            VhostdControlGrpcClient c = client(d);
            assertEquals(GrpcStatus.NOT_FOUND, status(c.getPort(PortRequest.newBuilder().setName("nope").build())));
            assertEquals(GrpcStatus.ALREADY_EXISTS, status(c.bind(BindRequest.newBuilder().setPort("b").setQueue("rxq0")
                    .setChannel("dma0/0").build())));
            assertEquals(GrpcStatus.INVALID_ARGUMENT, status(c.bind(BindRequest.newBuilder().setPort("b")
                    .setQueue("bogus").setChannel("dma0/2").build())));
            assertEquals(GrpcStatus.NOT_FOUND, status(c.bind(BindRequest.newBuilder().setPort("b").setQueue("rxq0")
                    .setChannel("dma0/9").build())));
            assertEquals(GrpcStatus.PERMISSION_DENIED, status(c.join(JoinRequest.newBuilder().setPort("c").setGroup("g1")
                    .setToken("wrong-token").build())));
            assertEquals(1, get(c.getStatus(StatusRequest.getDefaultInstance())).getRefusedJoins());

            assertEquals("dma0/2", get(c.bind(BindRequest.newBuilder().setPort("c").setQueue("rxq0")
                    .setChannel("dma0/2").build())).getChannel());
            assertEquals("c/rxq0", get(c.listDevices(ListDevicesRequest.getDefaultInstance())).getDevices(0)
                    .getChannels(2).getBoundTo());
            assertEquals(List.of("a", "b", "c"), get(c.join(JoinRequest.newBuilder().setPort("c").setGroup("g1")
                    .setToken("token-g1").build())).getMembersList());
        }
    }

    @Test
    void shouldStreamPortAndQueueEventsInOrderWhenFrontEndConnectsAndLeaves() {
        try (DaemonFixture d = start()) {
            VhostdControlGrpcClient c = client(d);
            List<Event> events = new CopyOnWriteArrayList<>();
            var stream = get(c.watchEvents(WatchEventsRequest.getDefaultInstance()));
            stream.handler(events::add);
            VhostUserFrontend a = d.connect("a");
            DaemonFixture.awaitUntil(() -> count(events, Event.KindCase.QUEUE_STARTED) == 2, "both queues started");
            d.disconnect("a", a);
            DaemonFixture.awaitUntil(() -> count(events, Event.KindCase.PORT_DISCONNECTED) == 1, "disconnect event");
            List<Event.KindCase> kinds = new ArrayList<>();
            long last = 0;
            for (Event e : events) {
                assertTrue(e.getSequence() > last, "sequence increases: " + events);
                last = e.getSequence();
                if (e.getKindCase() != Event.KindCase.BINDING_CHANGED) {
                    kinds.add(e.getKindCase());
                }
            }
            assertEquals(List.of(Event.KindCase.PORT_CONNECTED, Event.KindCase.FEATURES_NEGOTIATED,
                    Event.KindCase.QUEUE_STARTED, Event.KindCase.QUEUE_STARTED, Event.KindCase.QUEUE_STOPPED,
                    Event.KindCase.QUEUE_STOPPED, Event.KindCase.PORT_DISCONNECTED), kinds, events.toString());
            assertEquals("a", events.getFirst().getPortConnected().getPort());
        }
    }

    private static long count(List<Event> events, Event.KindCase kind) {
        return events.stream().filter(e -> e.getKindCase() == kind).count();
    }
}
