package io.vhostdma.backend.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.grpc.proto.AddPortRequest;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.Event;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import io.vhostdma.config.HostPort;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.vhost.transport.SocketPathException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service over a hand-built Management: replies, status mapping, AddPort parsing, event streams. */
class GrpcEndpointTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final FakeManagement m = new FakeManagement();
    private GrpcEndpoint endpoint;
    private GrpcClient grpc;
    private VhostdControlGrpcClient client;
    private SocketAddress addr;

    @BeforeEach
    void start() {
        Path socket = dir.resolve("vhostd.sock");
        endpoint = get(GrpcEndpoint.start(vertx, m, List.of(Listener.unix(socket, 0600, null, Listener.Access.FULL))));
        grpc = GrpcClient.client(vertx);
        addr = SocketAddress.domainSocketAddress(socket.toString());
        client = VhostdControlGrpcClient.create(grpc, addr);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static <T> T get(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e.getCause() == null ? e : e.getCause());
        }
    }

    @Test
    void shouldAnswerWithTheManagementViewsWhenCalled() {
        assertEquals(FakeManagement.STATUS, ProtoViews.fromProto(get(client.getStatus(StatusRequest.getDefaultInstance()))));
        assertEquals(FakeManagement.PORT, ProtoViews.fromProto(get(client.getPort(PortRequest.newBuilder().setName("vm1").build()))));
        assertEquals(List.of(FakeManagement.RXQ, FakeManagement.TXQ), get(client.listQueues(
                ListQueuesRequest.getDefaultInstance())).getQueuesList().stream().map(ProtoViews::fromProto).toList());
        assertEquals(FakeManagement.RXQ, ProtoViews.fromProto(get(client.bind(BindRequest.newBuilder().setPort("vm1")
                .setQueue("rxq0").setChannel("dma0/0").build()))));
    }

    /** Status and message of a call, failed or not. */
    private <Req, Resp> GrpcClientResponse<Req, Resp> raw(ServiceMethod<Resp, Req> method, Req request) {
        Future<GrpcClientResponse<Req, Resp>> f = grpc.request(addr, method)
                .compose((GrpcClientRequest<Req, Resp> req) -> req.send(request))
                .compose(resp -> resp.last().transform(ar -> Future.succeededFuture(resp)));
        return get(f);
    }

    @Test
    void shouldAnswerSameNamedStatusAndMessageWhenManagementRefuses() {
        for (ControlException.Code code : ControlException.Code.values()) {
            m.failure = new ControlException(code, "refused: code=" + code);
            var resp = raw(VhostdControlGrpcClient.GetStatus, StatusRequest.getDefaultInstance());
            assertEquals(code.name(), resp.status().name(), "unary read");
            assertEquals("refused: code=" + code, resp.statusMessage());
            var bind = raw(VhostdControlGrpcClient.Bind, BindRequest.newBuilder().setPort("vm1").build());
            assertEquals(code.name(), bind.status().name(), "failed stage");
        }
        m.failure = new IllegalStateException("boom");
        var resp = raw(VhostdControlGrpcClient.GetStatus, StatusRequest.getDefaultInstance());
        assertEquals(GrpcStatus.INTERNAL, resp.status());
        assertEquals("internal error: IllegalStateException: boom", resp.statusMessage());
        CompletionException e = assertThrows(CompletionException.class,
                () -> get(client.getStatus(StatusRequest.getDefaultInstance())));
        assertEquals(GrpcStatus.INTERNAL, assertInstanceOf(InvalidStatusException.class, e.getCause()).actualStatus());
    }

    @Test
    void shouldPassPortSettingsWhenAddPortIsValidAndRefuseBadMode() {
        get(client.addPort(AddPortRequest.newBuilder().setName("vm2").setSocket("/tmp/x/vm2.sock").setMode("client")
                .setQueuePairs(2).setSocketMode("0660").build()));
        assertEquals(new PortConfig("vm2", Path.of("/tmp/x/vm2.sock"), PortMode.CLIENT, 2, 0660), m.lastAdded);
        get(client.addPort(AddPortRequest.newBuilder().setName("vm3").setSocket("/tmp/x/vm3.sock").build()));
        assertEquals(new PortConfig("vm3", Path.of("/tmp/x/vm3.sock"), PortMode.SERVER, 1, 0600), m.lastAdded);
        var bad = raw(VhostdControlGrpcClient.AddPort, AddPortRequest.newBuilder().setName("vm4").setMode("hub").build());
        assertEquals(GrpcStatus.INVALID_ARGUMENT, bad.status());
        assertEquals("mode must be server or client: port=vm4 mode=hub", bad.statusMessage());
        var badMode = raw(VhostdControlGrpcClient.AddPort, AddPortRequest.newBuilder().setName("vm4").setSocketMode("999").build());
        assertEquals(GrpcStatus.INVALID_ARGUMENT, badMode.status());
    }

    @Test
    void shouldFailWithClearMessageWhenAddressIsInUse() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HostPort taken = new HostPort("127.0.0.1", s.getLocalPort());
            CompletionException e = assertThrows(CompletionException.class,
                    () -> get(GrpcEndpoint.start(vertx, m, List.of(Listener.tcp(taken, "a-token-of-16ch")))));
            assertTrue(e.getCause().getMessage().startsWith("management.grpc: cannot listen on " + taken + ": "),
                    e.getCause().getMessage());
        }
    }

    @Test
    void shouldRefuseTheSocketPathAndLeaveItAloneWhenAnotherServerListensThere() {
        Path live = dir.resolve("vhostd.sock");
        CompletionException e = assertThrows(CompletionException.class, () -> get(GrpcEndpoint.start(vertx, m,
                List.of(Listener.unix(live, 0600, null, Listener.Access.FULL)))));
        assertEquals(SocketPathException.Reason.IN_USE, assertInstanceOf(SocketPathException.class, e.getCause()).reason());
        assertEquals(FakeManagement.STATUS, ProtoViews.fromProto(get(client.getStatus(StatusRequest.getDefaultInstance()))),
                "the first endpoint still serves");
    }

    @Test
    void shouldBindWithExactModeAndRemoveOnlyItsOwnFileWhenClosed() throws Exception {
        Path socket = dir.resolve("vhostd.sock");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        try (var names = Files.list(dir)) {
            assertEquals(List.of(socket), names.toList(), "no staging directory left behind");
        }
        endpoint.close();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket removed at close");
    }

    @Test
    void shouldStreamEventsInOrderAndUnsubscribeWhenClientCancels() throws Exception {
        List<Event> got = new CopyOnWriteArrayList<>();
        GrpcClientRequest<WatchEventsRequest, Event> req = get(grpc.request(addr, VhostdControlGrpcClient.WatchEvents));
        GrpcClientResponse<WatchEventsRequest, Event> resp = get(req.send(WatchEventsRequest.getDefaultInstance()));
        resp.handler(got::add);
        awaitTrue(() -> endpoint.eventStreams() == 1, "stream subscribed");
        m.hub.publish((s, t) -> new BackendEvent.PortConnected(s, t, "vm1"));
        m.hub.publish((s, t) -> new BackendEvent.QueueStarted(s, t, "vm1", "rxq0", null));
        awaitTrue(() -> got.size() == 2, "two events");
        assertEquals(Event.KindCase.PORT_CONNECTED, got.get(0).getKindCase());
        assertEquals(Event.KindCase.QUEUE_STARTED, got.get(1).getKindCase());
        assertTrue(got.get(0).getSequence() < got.get(1).getSequence());
        vertx.runOnContext(v -> req.cancel());
        awaitTrue(() -> endpoint.eventStreams() == 0, "stream unsubscribed after cancel");
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }
}
