package io.vhostdma.backend.grpc;

import static io.vhostdma.backend.grpc.GrpcEndpointTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;
import io.vhostdma.backend.ctl.VhostCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What grpcurl does, done with Vert.x's gRPC client against the read-only socket: list the services
 * by server reflection, describe a method from the file descriptors the server sends, call GetStatus
 * knowing nothing but those descriptors; and the standard health check, also as {@code vhostctl health}.
 */
class ReflectionHealthTest {
    private static final ServiceName REFLECTION = ServiceName.create("grpc.reflection.v1.ServerReflection");
    private static final ServiceMethod<ServerReflectionResponse, ServerReflectionRequest> INFO = ServiceMethod.client(
            REFLECTION, "ServerReflectionInfo", GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(ServerReflectionResponse.getDefaultInstance()));
    private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
            ServiceName.create("grpc.health.v1.Health"), "Check", GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(HealthCheckResponse.getDefaultInstance()));
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final FakeManagement m = new FakeManagement();
    private GrpcEndpoint endpoint;
    private GrpcClient client;
    private SocketAddress ro;
    private Path roSocket;

    @BeforeEach
    void start() {
        roSocket = dir.resolve("vhostd-ro.sock");
        endpoint = get(GrpcEndpoint.start(vertx, m, List.of(Listener.unix(dir.resolve("vhostd.sock"), 0600, null,
                Listener.Access.FULL), Listener.unix(roSocket, 0600, null, Listener.Access.READ_ONLY))));
        client = GrpcClient.client(vertx);
        ro = SocketAddress.domainSocketAddress(roSocket.toString());
    }

    @AfterEach
    void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request) {
        return get(client.request(ro, INFO).compose(call -> call.send(request)).compose(resp -> resp.last()));
    }

    @Test
    void shouldListDescribeAndCallTheControlServiceWhenOnlyReflectionIsKnown() throws Exception {
        List<String> services = ask(ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
        assertTrue(services.containsAll(List.of("vhostdma.v1.VhostdControl", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection")), services.toString());

        ServiceDescriptor control = service("vhostdma.v1.VhostdControl");
        MethodDescriptor getStatus = control.findMethodByName("GetStatus");
        assertEquals("vhostdma.v1.StatusRequest", getStatus.getInputType().getFullName());
        assertEquals("vhostdma.v1.Status", getStatus.getOutputType().getFullName());
        assertTrue(control.findMethodByName("WatchEvents").isServerStreaming(), "the event stream is described too");
        assertTrue(getStatus.getOutputType().getFields().stream().anyMatch(f -> f.getName().equals("uptime_millis")));

        Descriptor out = getStatus.getOutputType();
        ServiceMethod<DynamicMessage, DynamicMessage> dynamic = ServiceMethod.client(ServiceName.create(
                control.getFullName()), getStatus.getName(), GrpcMessageEncoder.encoder(),
                GrpcMessageDecoder.decoder(DynamicMessage.getDefaultInstance(out)));
        DynamicMessage status = get(client.request(ro, dynamic)
                .compose(call -> call.send(DynamicMessage.getDefaultInstance(getStatus.getInputType())))
                .compose(resp -> resp.last()));
        assertEquals(FakeManagement.STATUS.version(), status.getField(out.findFieldByName("version")));
        assertEquals(FakeManagement.STATUS.uptimeMillis(), status.getField(out.findFieldByName("uptime_millis")));
    }

    /** The service from the file that defines it and every file it imports, as the server sent them. */
    private ServiceDescriptor service(String name) throws Exception {
        List<FileDescriptorProto> protos = new ArrayList<>();
        for (var bytes : ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build())
                .getFileDescriptorResponse().getFileDescriptorProtoList()) {
            protos.add(FileDescriptorProto.parseFrom(bytes));
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        FileDescriptor file = null;
        for (FileDescriptorProto p : protos) {
            file = build(p, protos, built);
            if (file.findServiceByName(name.substring(name.lastIndexOf('.') + 1)) != null) {
                return file.findServiceByName(name.substring(name.lastIndexOf('.') + 1));
            }
        }
        throw new AssertionError("no service " + name + " in " + protos.stream().map(FileDescriptorProto::getName).toList()
                + " last=" + file);
    }

    private static FileDescriptor build(FileDescriptorProto p, List<FileDescriptorProto> all,
                                        Map<String, FileDescriptor> built) throws Exception {
        FileDescriptor done = built.get(p.getName());
        if (done != null) {
            return done;
        }
        List<FileDescriptor> deps = new ArrayList<>();
        for (String d : p.getDependencyList()) {
            FileDescriptorProto dep = all.stream().filter(x -> x.getName().equals(d)).findFirst()
                    .orElseThrow(() -> new InvalidProtocolBufferException("dependency not sent: " + d));
            deps.add(build(dep, all, built));
        }
        FileDescriptor f = FileDescriptor.buildFrom(p, deps.toArray(FileDescriptor[]::new));
        built.put(p.getName(), f);
        return f;
    }

    @Test
    void shouldReportServingWhenTheBackendAnswersAndVhostctlHealthExitsZero() {
        for (String service : List.of("", "vhostdma.v1.VhostdControl")) {
            HealthCheckResponse r = get(client.request(ro, CHECK)
                    .compose(call -> call.send(HealthCheckRequest.newBuilder().setService(service).build()))
                    .compose(resp -> resp.last()));
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus(), "service '" + service + "'");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, VhostCtl.run(new String[] {"--socket", roSocket.toString(), "health"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()), err.toString(StandardCharsets.UTF_8));
        assertEquals("SERVING\n", out.toString(StandardCharsets.UTF_8));

        m.failure = new io.vhostdma.backend.control.ControlException(
                io.vhostdma.backend.control.ControlException.Code.UNAVAILABLE, "shutting down");
        out.reset();
        assertEquals(1, VhostCtl.run(new String[] {"--socket", roSocket.toString(), "health"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()));
        assertEquals("NOT_SERVING\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).endsWith("vhostctl: vhostdma.v1.VhostdControl is NOT_SERVING\n"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(0, m.refusals.snapshot().size(), "reflection and health are read-only: nothing refused");
    }
}
