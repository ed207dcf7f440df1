package io.vhostdma.backend.grpc;

import java.util.Map;
import java.util.Set;

/**
 * Which gRPC methods only read (design.md §9): every {@code Get*}/{@code List*} view, {@code GetStatus}
 * and {@code WatchEvents} of {@code vhostdma.v1.VhostdControl}, and whole services that only read
 * (server reflection, {@code grpc.health.v1}). {@code GetConfig} reads but answers the groups' tokens, and
 * {@code Capture} and {@code CaptureBatches} read but stream tenants' traffic, so they are held to what changes
 * are. Everything else — every other method of the control service, and any method of a service not in the table — counts
 * as mutating, so a service added later is refused on a read-only endpoint until it is listed here.
 */
final class RpcAccess {
    /** The control service's fully qualified name. */
    static final String CONTROL = "vhostdma.v1.VhostdControl";
    /** The control service's methods, each marked read-only (true) or mutating (false). */
    private static final Map<String, Boolean> CONTROL_METHODS = Map.ofEntries(
            Map.entry("GetStatus", true), Map.entry("ListPorts", true), Map.entry("GetPort", true),
            Map.entry("ListQueues", true), Map.entry("ListDevices", true), Map.entry("ListGroups", true),
            Map.entry("WatchEvents", true),
            Map.entry("Bind", false), Map.entry("Unbind", false), Map.entry("AddPort", false),
            Map.entry("RemovePort", false), Map.entry("CreateGroup", false), Map.entry("Join", false),
            Map.entry("Leave", false), Map.entry("GetConfig", false), // GetConfig: tokens
            Map.entry("Capture", false), Map.entry("CaptureBatches", false)); // Capture*: tenants' traffic
    /** Services every method of which only reads. */
    private static final Set<String> READ_ONLY_SERVICES = Set.of("grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    /** The metric label of a method that is not in the table (keeps the label set bounded). */
    static final String OTHER = "other";

    private RpcAccess() {
    }

    /**
     * Whether the call to HTTP/2 path {@code /package.Service/Method} only reads. Only an exact
     * {@code /service/method} of the table (or any method of a read-only service) reads; a longer or
     * unknown path counts as a change, whatever the router would make of it.
     */
    static boolean readOnly(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 1 || path.charAt(0) != '/') {
            return false;
        }
        String service = path.substring(1, slash);
        if (READ_ONLY_SERVICES.contains(service)) {
            return true;
        }
        return service.equals(CONTROL) && CONTROL_METHODS.getOrDefault(path.substring(slash + 1), false);
    }

    /** The RPC's name for logs and the refusal counter: a control method's name, else {@value #OTHER}. */
    static String label(String path) {
        int slash = path.lastIndexOf('/');
        String method = slash < 0 ? "" : path.substring(slash + 1);
        boolean control = slash > 0 && path.substring(1, slash).equals(CONTROL);
        return control && CONTROL_METHODS.containsKey(method) ? method : OTHER;
    }
}
