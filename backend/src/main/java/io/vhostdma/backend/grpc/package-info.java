/**
 * The gRPC management service ({@code vhostd.proto}, service {@code vhostdma.v1.VhostdControl}) over a
 * {@link io.vhostdma.backend.control.Management}, with Vert.x's server reflection and
 * {@code grpc.health.v1} services beside it (both read-only), served on {@link io.vhostdma.backend.grpc.Listener}s:
 * Unix sockets whose file mode decides who connects ({@code FULL} or {@code READ_ONLY} access) and a
 * loopback TCP address guarded by a bearer token. An {@code AccessGuard} in front of each endpoint lets
 * through only what it allows ({@code RpcAccess} is the one table of read-only methods and services)
 * and answers anything else itself (PERMISSION_DENIED, or UNAUTHENTICATED for a wrong token), logged and
 * counted in {@link io.vhostdma.backend.control.RpcRefusals}; a refused call never reaches Management.
 * Contract: every RPC is one Management call; view
 * records become protobuf messages field by field (a null string is sent as the empty string); a
 * {@link io.vhostdma.backend.control.ControlException} becomes the gRPC status of the same name with
 * its message, any other failure INTERNAL with a message. The event stream never blocks the
 * publisher and never buffers without bound: each stream owns a bounded queue drained on its Vert.x
 * context, and a stream that falls behind receives one {@code events_lost} message with the count.
 * {@link io.vhostdma.backend.grpc.ProtoViews} converts both ways, so clients (vhostctl) print the same
 * view records the backend has.
 */
package io.vhostdma.backend.grpc;
