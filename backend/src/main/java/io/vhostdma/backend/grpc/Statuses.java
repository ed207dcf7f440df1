package io.vhostdma.backend.grpc;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import io.vhostdma.backend.control.ControlException;
import java.util.concurrent.CompletionException;

/** Maps management failures onto gRPC statuses. */
final class Statuses {
    private Statuses() {
    }

    /** The gRPC status named as {@code code}. */
    static GrpcStatus of(ControlException.Code code) {
        return switch (code) {
            case NOT_FOUND -> GrpcStatus.NOT_FOUND;
            case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
            case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
            case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
            case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
            case INTERNAL -> GrpcStatus.INTERNAL;
        };
    }

    /**
     * The status exception the server answers with for {@code failure}: a {@link ControlException}
     * (possibly wrapped in a {@link CompletionException}) keeps its code and message; anything else is
     * INTERNAL with its class and message.
     */
    static StatusException toStatus(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusException s) {
            return s;
        }
        if (t instanceof ControlException c) {
            return new StatusException(of(c.code()), c.getMessage());
        }
        return new StatusException(GrpcStatus.INTERNAL, "internal error: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
}
