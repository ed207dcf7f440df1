/**
 * The vhost-user protocol, guest memory, virtqueues and virtio-net, and a Java vhost-user front end. Exported: the
 * front end ({@code io.vhostdma.vhost.frontend}, an API for tests and load generators). Everything else is internal:
 * exported only to the back end, which builds the data plane on it, never to an embedding program
 * (docs/embedding.md); the benchmarks read the ring, memory and agent packages too. The FFM system calls
 * ({@code .internal.sys}) are exported to nobody: a data-plane agent's kernel services are {@code .agent}, the
 * socket-path rules {@code .transport.SocketFile}, the fault probe {@code .memory.MappingProbe}.
 */
module io.vhostdma.vhost {
    requires transitive io.vhostdma.dma;
    requires io.vertx.core;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.io_uring;

    exports io.vhostdma.vhost.frontend;
    exports io.vhostdma.vhost.protocol to io.vhostdma.backend;
    exports io.vhostdma.vhost.transport to io.vhostdma.backend;
    exports io.vhostdma.vhost.memory to io.vhostdma.backend, io.vhostdma.bench;
    exports io.vhostdma.vhost.virtq to io.vhostdma.backend, io.vhostdma.bench;
    exports io.vhostdma.vhost.net to io.vhostdma.backend, io.vhostdma.bench;
    exports io.vhostdma.vhost.offload to io.vhostdma.backend;
    exports io.vhostdma.vhost.dirtylog to io.vhostdma.backend, io.vhostdma.bench;
    exports io.vhostdma.vhost.agent to io.vhostdma.backend, io.vhostdma.bench;
}
