package io.vhostdma.backend.grpc;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vhostdma.backend.control.RpcRefusals;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Sits in front of the gRPC service on one endpoint and lets through only what the endpoint allows
 * ({@link Listener.Access}); every refusal is logged ({@code management refused: rpc=… endpoint=…}, at
 * most {@value #LOG_LINES_PER_SECOND} lines a second, the rest summed into the next line) and counted
 * by RPC. The refusal is an ordinary gRPC status written by a Vert.x {@link GrpcServer}, so every
 * client reads it like any other failure.
 */
final class AccessGuard implements Handler<HttpServerRequest> {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.management");
    static final int LOG_LINES_PER_SECOND = 10;

    private final Handler<HttpServerRequest> service;
    private final Listener listener;
    private final RpcRefusals refusals;
    private final byte[] bearer;
    private final GrpcServer readOnly;
    private final GrpcServer wrongToken;
    private long windowStart;
    private int linesInWindow;
    private long suppressed;

    AccessGuard(Vertx vertx, Handler<HttpServerRequest> service, Listener listener, RpcRefusals refusals) {
        this.service = service;
        this.listener = listener;
        this.refusals = refusals;
        this.bearer = listener.token() == null ? null : ("Bearer " + listener.token()).getBytes(StandardCharsets.UTF_8);
        String hint = listener.access() == Listener.Access.READ_ONLY ? "read-only endpoint"
                : "needs the management token";
        this.readOnly = refuser(vertx, GrpcStatus.PERMISSION_DENIED, hint);
        this.wrongToken = refuser(vertx, GrpcStatus.UNAUTHENTICATED, "wrong management token");
    }

    private GrpcServer refuser(Vertx vertx, GrpcStatus status, String reason) {
        return GrpcServer.server(vertx).callHandler(call -> call.response().status(status)
                .statusMessage("management refused: rpc=" + RpcAccess.label("/" + call.fullMethodName()) + " endpoint="
                        + listener.name() + " (" + reason + ")").end());
    }

    @Override
    public void handle(HttpServerRequest req) {
        String path = req.path();
        GrpcServer refusal = switch (listener.access()) {
            case FULL -> null;
            case READ_ONLY -> RpcAccess.readOnly(path) ? null : readOnly;
            case TOKEN -> token(req, path);
        };
        if (refusal == null) {
            service.handle(req);
            return;
        }
        String rpc = RpcAccess.label(path);
        refusals.record(rpc);
        log(rpc, refusal == wrongToken ? "wrong token" : listener.access() == Listener.Access.READ_ONLY
                ? "read-only endpoint" : "no token");
        refusal.handle(req);
    }

    /** The refusal for a TCP call: none with the right token, or for a read without one. */
    private GrpcServer token(HttpServerRequest req, String path) {
        String header = req.getHeader("authorization");
        if (header == null) {
            return RpcAccess.readOnly(path) ? null : readOnly;
        }
        // constant time in the token's contents: a caller learns nothing from how long the check took
        return MessageDigest.isEqual(bearer, header.getBytes(StandardCharsets.UTF_8)) ? null : wrongToken;
    }

    /** Logs a refusal unless this second's lines are used up (runs on the endpoint's event loop). */
    private synchronized void log(String rpc, String reason) {
        long now = System.nanoTime();
        if (now - windowStart > 1_000_000_000L) {
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow >= LOG_LINES_PER_SECOND) {
            suppressed++;
            return;
        }
        linesInWindow++;
        String more = suppressed == 0 ? "" : " (" + suppressed + " more refused, not logged)";
        suppressed = 0;
        LOG.log(Level.WARNING, "management refused: rpc=" + rpc + " endpoint=" + listener.name() + " reason=" + reason
                + more);
    }
}
