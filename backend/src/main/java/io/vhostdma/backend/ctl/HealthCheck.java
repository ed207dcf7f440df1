package io.vhostdma.backend.ctl;

import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vhostdma.backend.ctl.CtlCommand.Session;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code vhostctl health}: the standard {@code grpc.health.v1.Health/Check} of vhostd's control service,
 * for exec probes (a Kubernetes readiness probe, a systemd check): prints the serving status and exits
 * 0 when it is {@code SERVING}, 1 otherwise or when vhostd cannot be reached.
 */
@Command(name = "health", description = "exit 0 when vhostd serves its API (grpc.health.v1; for exec probes)")
final class HealthCheck extends CtlCommand.WithoutToken {
    /** The service whose health is asked: vhostd's control API. */
    static final String SERVICE = "vhostdma.v1.VhostdControl";
    static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
            ServiceName.create("grpc.health.v1.Health"), "Check", GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(HealthCheckResponse.getDefaultInstance()));

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void run(Session s) {
        HealthCheckResponse.ServingStatus status = s.client().call(CHECK, HealthCheckRequest.newBuilder()
                .setService(SERVICE).build()).getStatus();
        s.out().print(Map.of("service", SERVICE, "status", status.name()), () -> status.name() + "\n");
        if (status != HealthCheckResponse.ServingStatus.SERVING) {
            throw new CtlException(VhostCtl.EXIT_ERROR, "vhostctl: " + SERVICE + " is " + status.name());
        }
    }
}
