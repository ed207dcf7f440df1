/**
 * The gRPC management service ({@code vhostd.proto}, service {@code vhostdma.v1.VhostdControl}) over a
 * {@link io.vhostdma.backend.control.Management}. Contract: every RPC is one Management call; view
 * records become protobuf messages field by field (a null string is sent as the empty string); a
 * {@link io.vhostdma.backend.control.ControlException} becomes the gRPC status of the same name with
 * its message, any other failure INTERNAL with a message. The event stream never blocks the
 * publisher and never buffers without bound: each stream owns a bounded queue drained on its Vert.x
 * context, and a stream that falls behind receives one {@code events_lost} message with the count.
 * {@link io.vhostdma.backend.grpc.ProtoViews} converts both ways, so clients (vhostctl) print the same
 * view records the backend has.
 */
package io.vhostdma.backend.grpc;
