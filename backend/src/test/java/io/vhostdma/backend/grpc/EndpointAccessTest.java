package io.vhostdma.backend.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vhostdma.backend.grpc.proto.AddPortRequest;
import io.vhostdma.backend.grpc.proto.BindRequest;
import io.vhostdma.backend.grpc.proto.CreateGroupRequest;
import io.vhostdma.backend.grpc.proto.CaptureRequest;
import io.vhostdma.backend.grpc.proto.GetConfigRequest;
import io.vhostdma.backend.grpc.proto.JoinRequest;
import io.vhostdma.backend.grpc.proto.LeaveRequest;
import io.vhostdma.backend.grpc.proto.ListDevicesRequest;
import io.vhostdma.backend.grpc.proto.ListGroupsRequest;
import io.vhostdma.backend.grpc.proto.ListPortsRequest;
import io.vhostdma.backend.grpc.proto.ListQueuesRequest;
import io.vhostdma.backend.grpc.proto.PortRequest;
import io.vhostdma.backend.grpc.proto.Queue;
import io.vhostdma.backend.grpc.proto.StatusRequest;
import io.vhostdma.backend.grpc.proto.UnbindRequest;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcService;
import io.vhostdma.backend.grpc.proto.WatchEventsRequest;
import io.vhostdma.config.HostPort;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what (design.md §9): every RPC on the control socket, only reads on the read-only socket
 * and over TCP without the token, everything over TCP with it; refusals are PERMISSION_DENIED (or
 * UNAUTHENTICATED for a wrong token), never reach the backend, and are counted by RPC.
 */
class EndpointAccessTest {
    private static final String TOKEN = "mgmt-token-0123456789";
    /** Every mutating (or token-revealing) RPC of the control service with a request it would accept. */
    private static final Map<ServiceMethod<?, ?>, Message> MUTATING = new LinkedHashMap<>();
    /** Every unary read. */
    private static final Map<ServiceMethod<?, ?>, Message> READS = new LinkedHashMap<>();

    static {
        MUTATING.put(VhostdControlGrpcClient.Bind, BindRequest.newBuilder().setPort("vm1").setQueue("rxq0")
                .setChannel("dma0/1").build());
        MUTATING.put(VhostdControlGrpcClient.Unbind, UnbindRequest.newBuilder().setPort("vm1").setQueue("rxq0").build());
        MUTATING.put(VhostdControlGrpcClient.AddPort, AddPortRequest.newBuilder().setName("vm9").setSocket("/x/vm9.sock")
                .build());
        MUTATING.put(VhostdControlGrpcClient.RemovePort, PortRequest.newBuilder().setName("vm1").build());
        MUTATING.put(VhostdControlGrpcClient.CreateGroup, CreateGroupRequest.newBuilder().setGroup("g2").setToken("t")
                .setCreator("vm1").build());
        MUTATING.put(VhostdControlGrpcClient.Join, JoinRequest.newBuilder().setPort("vm1").setGroup("g1").setToken("t")
                .build());
        MUTATING.put(VhostdControlGrpcClient.Leave, LeaveRequest.newBuilder().setPort("vm1").setGroup("g1").setToken("t")
                .build());
        // reads, but answers the groups' tokens: held to the rule of changes
        MUTATING.put(VhostdControlGrpcClient.GetConfig, GetConfigRequest.getDefaultInstance());
        // reads, but streams tenants' traffic: operator only
        MUTATING.put(VhostdControlGrpcClient.Capture, CaptureRequest.newBuilder().setPort("vm1").build());
        MUTATING.put(VhostdControlGrpcClient.CaptureBatches, CaptureRequest.newBuilder().setPort("vm1").build());
        READS.put(VhostdControlGrpcClient.GetStatus, StatusRequest.getDefaultInstance());
        READS.put(VhostdControlGrpcClient.ListPorts, ListPortsRequest.getDefaultInstance());
        READS.put(VhostdControlGrpcClient.GetPort, PortRequest.newBuilder().setName("vm1").build());
        READS.put(VhostdControlGrpcClient.ListQueues, ListQueuesRequest.getDefaultInstance());
        READS.put(VhostdControlGrpcClient.ListDevices, ListDevicesRequest.getDefaultInstance());
        READS.put(VhostdControlGrpcClient.ListGroups, ListGroupsRequest.getDefaultInstance());
    }

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final FakeManagement m = new FakeManagement();
    private GrpcEndpoint endpoint;
    private GrpcClient grpc;

    @BeforeEach
    void start() {
        endpoint = GrpcEndpointTest.get(GrpcEndpoint.start(vertx, m, List.of(
                Listener.unix(dir.resolve("vhostd.sock"), 0600, null, Listener.Access.FULL),
                Listener.unix(dir.resolve("vhostd-ro.sock"), 0600, null, Listener.Access.READ_ONLY),
                Listener.tcp(new HostPort("127.0.0.1", 0), TOKEN))));
        grpc = GrpcClient.client(vertx);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private SocketAddress socket(String name) {
        return SocketAddress.domainSocketAddress(dir.resolve(name).toString());
    }

    private SocketAddress tcp() {
        return SocketAddress.inetSocketAddress(endpoint.port(), "127.0.0.1");
    }

    /** One unary call with an optional authorization header; the response after its end. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private GrpcClientResponse<?, ?> call(SocketAddress to, String authorization, ServiceMethod method, Message request) {
        Future<GrpcClientResponse<?, ?>> f = grpc.request(to, method).compose(r -> {
            GrpcClientRequest req = (GrpcClientRequest) r;
            if (authorization != null) {
                req.headers().set("authorization", authorization);
            }
            return req.send(request);
        }).compose(resp -> {
            GrpcClientResponse<?, ?> response = (GrpcClientResponse<?, ?>) resp;
            return response.last().transform(ar -> Future.succeededFuture(response));
        });
        return GrpcEndpointTest.get(f);
    }

    @Test
    void shouldClassifyEveryControlRpcWhenTheServiceGrows() {
        for (ServiceMethod<?, ?> method : VhostdControlGrpcService.all()) {
            String path = "/" + method.fullMethodName();
            assertNotEquals(RpcAccess.OTHER, RpcAccess.label(path), "unclassified RPC: " + path);
            assertEquals(!MUTATING.containsKey(clientMethod(method)), RpcAccess.readOnly(path), path);
        }
        assertTrue(RpcAccess.readOnly("/grpc.health.v1.Health/Check"), "health checks only read");
        assertTrue(RpcAccess.readOnly("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
        assertEquals(false, RpcAccess.readOnly("/vhostdma.v1.VhostdControl/Shutdown"), "unknown = mutating");
        assertEquals(false, RpcAccess.readOnly("/other.Service/GetThing"), "unknown service = mutating");
    }

    private static ServiceMethod<?, ?> clientMethod(ServiceMethod<?, ?> serverMethod) {
        for (ServiceMethod<?, ?> c : MUTATING.keySet()) {
            if (c.fullMethodName().equals(serverMethod.fullMethodName())) {
                return c;
            }
        }
        return null;
    }

    @Test
    void shouldRefuseEveryMutatingRpcOnTheReadOnlySocketWithoutReachingTheBackend() {
        int before = m.calls.get();
        Map<String, Long> expected = new TreeMap<>();
        for (var e : MUTATING.entrySet()) {
            GrpcClientResponse<?, ?> r = call(socket("vhostd-ro.sock"), null, e.getKey(), e.getValue());
            String rpc = e.getKey().methodName();
            assertEquals(GrpcStatus.PERMISSION_DENIED, r.status(), rpc);
            assertEquals("management refused: rpc=" + rpc + " endpoint=vhostd-ro.sock (read-only endpoint)",
                    r.statusMessage());
            expected.put(rpc, 1L);
        }
        assertEquals(before, m.calls.get(), "no refused call reached the backend");
        assertEquals(expected, m.refusals.snapshot());
        assertEquals(MUTATING.size(), m.refusals.total());
        for (var e : READS.entrySet()) {
            assertEquals(GrpcStatus.OK, call(socket("vhostd-ro.sock"), null, e.getKey(), e.getValue()).status(),
                    e.getKey().methodName());
        }
        assertEquals(GrpcStatus.OK, call(socket("vhostd.sock"), null, VhostdControlGrpcClient.Bind,
                MUTATING.get(VhostdControlGrpcClient.Bind)).status(), "the control socket takes changes");
        assertEquals(MUTATING.size(), m.refusals.total());
    }

    /** A path that names a read-only method only after a mutating one is not a read. */
    @Test
    void shouldRefuseAMutatingRpcHiddenBehindAPathSuffix() {
        ServiceMethod<Queue, BindRequest> suffixed = ServiceMethod.client(ServiceName.create("vhostdma.v1",
                "VhostdControl"), "Bind/GetStatus", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(
                Queue.newBuilder()));
        Message bind = MUTATING.get(VhostdControlGrpcClient.Bind);
        int before = m.calls.get();
        assertEquals(GrpcStatus.PERMISSION_DENIED, call(socket("vhostd-ro.sock"), null, suffixed, bind).status());
        assertEquals(GrpcStatus.PERMISSION_DENIED, call(tcp(), null, suffixed, bind).status());
        assertEquals(before, m.calls.get(), "nothing reached the backend");
        assertEquals(2L, m.refusals.snapshot().get(RpcAccess.OTHER), "an unknown path is counted as other");
        assertEquals(GrpcStatus.UNIMPLEMENTED, call(socket("vhostd.sock"), null, suffixed, bind).status(),
                "no such method where everything is allowed either");
        assertEquals(before, m.calls.get());
    }

    @Test
    void shouldStreamEventsOnTheReadOnlySocket() {
        var resp = GrpcEndpointTest.get(grpc.request(socket("vhostd-ro.sock"), VhostdControlGrpcClient.WatchEvents)
                .compose(req -> req.send(WatchEventsRequest.getDefaultInstance())));
        assertEquals(GrpcStatus.OK, resp.status() == null ? GrpcStatus.OK : resp.status(), "stream opened");
        assertEquals(0, m.refusals.total());
    }

    @Test
    void shouldAllowReadsWithoutTokenAndChangesOnlyWithTheRightTokenOverTcp() {
        for (var e : MUTATING.entrySet()) {
            GrpcClientResponse<?, ?> r = call(tcp(), null, e.getKey(), e.getValue());
            assertEquals(GrpcStatus.PERMISSION_DENIED, r.status(), e.getKey().methodName());
            assertEquals("management refused: rpc=" + e.getKey().methodName() + " endpoint=tcp (needs the management"
                    + " token)", r.statusMessage());
        }
        assertEquals(GrpcStatus.OK, call(tcp(), null, VhostdControlGrpcClient.GetStatus,
                StatusRequest.getDefaultInstance()).status(), "reads need no token");
        for (var e : MUTATING.entrySet()) {
            // the fake backend has no port to capture: Capture* reaches it and is answered NOT_FOUND
            boolean capture = e.getKey() == VhostdControlGrpcClient.Capture
                    || e.getKey() == VhostdControlGrpcClient.CaptureBatches;
            GrpcStatus allowed = capture ? GrpcStatus.NOT_FOUND : GrpcStatus.OK;
            assertEquals(allowed, call(tcp(), "Bearer " + TOKEN, e.getKey(), e.getValue()).status(),
                    e.getKey().methodName());
        }
        GrpcClientResponse<?, ?> wrong = call(tcp(), "Bearer " + TOKEN + "x", VhostdControlGrpcClient.GetStatus,
                StatusRequest.getDefaultInstance());
        assertEquals(GrpcStatus.UNAUTHENTICATED, wrong.status(), "a wrong token is refused even for a read");
        assertEquals(GrpcStatus.UNAUTHENTICATED, call(tcp(), TOKEN, VhostdControlGrpcClient.Bind,
                MUTATING.get(VhostdControlGrpcClient.Bind)).status(), "the scheme is part of the header");
        assertEquals(MUTATING.size() + 2, m.refusals.total());
        assertEquals(2L, m.refusals.snapshot().get("Bind"));
        assertEquals(1L, m.refusals.snapshot().get("GetStatus"));
    }
}
