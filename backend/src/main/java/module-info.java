/**
 * The back end: {@code Vhostd} (the daemon as a library), the reactive API, the management model and its gRPC
 * messages (API, docs/embedding.md). The data plane, DMA wiring, switch, counters, gRPC service, metrics, vhostctl
 * and demo are internal.
 */
module io.vhostdma.backend {
    requires transitive io.vhostdma.config;
    requires transitive io.vhostdma.dma;
    requires transitive io.vhostdma.vhost;
    requires transitive io.vertx.core;
    requires transitive io.smallrye.mutiny;
    requires transitive com.google.protobuf;
    requires io.vertx.grpc.common;
    requires io.vertx.grpc.server;
    requires io.vertx.grpc.client;
    requires io.vertx.grpc.health;
    requires io.vertx.grpc.reflection;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.io_uring;
    requires io.netty.codec.http2;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.core;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires org.jctools.core.jdk11;
    requires jdk.unsupported; // sun.misc.Signal: vhostctl capture ends on Ctrl-C with exit code 0

    exports io.vhostdma.backend;
    exports io.vhostdma.backend.reactive;
    exports io.vhostdma.backend.control;
    exports io.vhostdma.backend.events;
    exports io.vhostdma.backend.grpc.proto;

    opens io.vhostdma.backend.ctl to info.picocli; // picocli fills the commands' fields by reflection
}
