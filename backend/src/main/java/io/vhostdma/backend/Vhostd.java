package io.vhostdma.backend;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vhostdma.backend.control.BackendManagement;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import io.vhostdma.backend.grpc.GrpcEndpoint;
import io.vhostdma.backend.metrics.MetricsEndpoint;
import io.vhostdma.backend.dma.DmaRuntime;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.backend.stats.StatsPrinter;
import io.vhostdma.config.Forwarding;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.protocol.SessionCounters;
import io.vhostdma.vhost.transport.PortSpec;
import io.vhostdma.vhost.transport.VhostUserClient;
import io.vhostdma.vhost.transport.VhostUserServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionException;

/**
 * A running vhostd: the data plane's workers, one Vert.x (io_uring) instance for the control
 * plane, a vhost-user server or client per port, and the per-second stats line.
 */
public final class Vhostd implements AutoCloseable {
    private final VhostdConfig config;
    private final PrintStream out;
    private final DataPlaneImpl plane;
    private final DmaRuntime dma;
    private final Vertx vertx;
    /** Port name → its vhost-user server or client (insertion order: config order, then live additions). */
    private final Map<String, AutoCloseable> endpoints = new LinkedHashMap<>();
    private final List<SessionCounters> sessionCounters = new CopyOnWriteArrayList<>();
    private final StatsPrinter printer;
    private final EventHub events = new EventHub();
    private final BackendManagement management;
    private long statsTimer = -1;
    private GrpcEndpoint grpc;
    private MetricsEndpoint metrics;
    private boolean closed;

    private Vhostd(VhostdConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
        List<PortState> ports = new ArrayList<>();
        List<PortCounters> counters = new ArrayList<>();
        for (PortConfig p : config.ports()) {
            PortState s = new PortState(ports.size(), p.name(), p.queuePairs());
            ports.add(s);
            counters.add(s.counters());
        }
        if (!io.netty.channel.uring.IoUring.isAvailable()) {
            throw new IllegalStateException("io_uring is not available: cause="
                    + io.netty.channel.uring.IoUring.unavailabilityCause());
        }
        this.dma = new DmaRuntime(config);
        this.plane = new DataPlaneImpl(ports, config.workers(), config.workerCpus(),
                config.forwarding() == Forwarding.SINK, dma);
        this.printer = new StatsPrinter(this::portCounters, dma.devices().values(), out);
        this.vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2))
                .withTransport(Transport.IO_URING).build();
        this.management = new BackendManagement(config, plane, dma, events, new Lifecycle());
    }

    private List<PortCounters> portCounters() {
        List<PortCounters> out = new ArrayList<>();
        for (PortState p : plane.ports()) {
            if (!p.removed()) {
                out.add(p.counters());
            }
        }
        return out;
    }

    /** Starts the data plane and every port; throws with {@code name=value} context on failure. */
    public static Vhostd start(VhostdConfig config, PrintStream out) {
        Vhostd d = new Vhostd(config, out);
        try {
            d.dma.start(d.plane);
            d.plane.start();
            for (PortConfig p : config.ports()) {
                d.startPort(p);
            }
            d.statsTimer = d.vertx.setPeriodic(1000, id -> {
                d.printer.tick();
                d.management.sampleDmaErrors();
            });
            d.printBanner();
            d.startManagement();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Starts the gRPC and metrics endpoints on {@code management}'s addresses and prints where they listen. */
    private void startManagement() {
        grpc = join(GrpcEndpoint.start(vertx, management, config.management().grpc()));
        metrics = join(MetricsEndpoint.start(vertx, management, config.management().metrics()));
        out.printf("vhostd: grpc listening on %s:%d%n", config.management().grpc().host(), grpc.port());
        out.printf("vhostd: metrics on http://%s:%d/metrics%n", config.management().metrics().host(), metrics.port());
        out.flush();
    }

    private static <T> T join(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void startPort(PortConfig p) {
        PortState state = plane.port(p.name());
        PortSpec spec = new PortSpec(p.name(), p.socket(), p.socketMode(), p.queuePairs());
        PortEvents listener = new PortEvents(state, plane, out, events);
        if (p.mode() == PortMode.SERVER) {
            createSocketDirectory(p.socket());
            try {
                VhostUserServer server = VhostUserServer.listen(vertx, spec, plane, listener).toCompletableFuture().join();
                synchronized (this) {
                    endpoints.put(p.name(), server);
                }
                sessionCounters.add(server.counters());
            } catch (CompletionException e) {
                throw new IllegalStateException("cannot serve port=" + p.name() + " socket=" + p.socket()
                        + ": " + e.getCause().getMessage(), e.getCause());
            }
        } else {
            VhostUserClient client = VhostUserClient.start(vertx, spec, plane, listener);
            synchronized (this) {
                endpoints.put(p.name(), client);
            }
            sessionCounters.add(client.counters());
        }
        events.publish((seq, t) -> new BackendEvent.PortAdded(seq, t, p.name(), p.socket().toString(),
                p.mode().configName(), p.queuePairs()));
    }

    /** Starts and stops ports for {@link BackendManagement}; blocking, called off the event loops. */
    private final class Lifecycle implements BackendManagement.Ports {
        @Override
        public void add(PortConfig p) {
            synchronized (Vhostd.this) {
                if (closed) {
                    throw new IllegalStateException("vhostd is closing");
                }
            }
            PortState state = new PortState(plane.nextPortId(), p.name(), p.queuePairs());
            state.domainHandle(dma.addDomain(p.name()));
            plane.addPort(state);
            dma.registerHost(state.injector().memory()); // frames the reactive API sends may be copied by DMA
            try {
                startPort(p);
            } catch (RuntimeException e) {
                releaseInjector(plane.removePort(state));
                dma.removePort(p.name(), 2 * p.queuePairs());
                throw e;
            }
            out.printf("vhostd: serving port=%s socket=%s mode=%s queue-pairs=%d%n", p.name(), p.socket(),
                    p.mode().configName(), p.queuePairs());
        }

        @Override
        public void remove(String name) {
            AutoCloseable endpoint;
            synchronized (Vhostd.this) {
                endpoint = endpoints.remove(name);
            }
            PortState state = plane.port(name);
            if (endpoint == null || state == null) {
                throw new IllegalStateException("unknown port: port=" + name);
            }
            try {
                endpoint.close(); // disconnects the front end: rings drain, memory is unmapped, fds closed
            } catch (Exception e) {
                throw new IllegalStateException("cannot close port=" + name + ": " + e.getMessage(), e);
            }
            releaseInjector(plane.removePort(state));
            dma.removePort(name, 2 * state.queuePairs());
            out.println("vhostd: removed port=" + name);
            events.publish((seq, t) -> new BackendEvent.PortRemoved(seq, t, name));
        }
    }

    /**
     * Frees a removed port's injector (its send ring, 2.5 MiB of host memory registered with every DMA device)
     * once no worker can read it: after a quiesce, unregistered, then closed.
     */
    private void releaseInjector(io.vhostdma.backend.dataplane.Injector in) {
        if (in == null) {
            return;
        }
        plane.quiesce().join();
        dma.unregisterHost(in.memory());
        in.close();
    }

    private static void createSocketDirectory(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create socket directory: dir=" + dir + " error=" + e.getMessage(), e);
        }
    }

    private void printBanner() {
        for (PortConfig p : config.ports()) {
            out.printf("vhostd: serving port=%s socket=%s mode=%s queue-pairs=%d%n", p.name(), p.socket(),
                    p.mode().configName(), p.queuePairs());
        }
        out.printf("vhostd: workers=%d forwarding=%s%n", config.workers(), config.forwarding().configName());
        for (io.vhostdma.config.DmaDeviceConfig d : config.dma()) {
            out.printf("vhostd: dma device=%s engine=%s channels=%d ring-size=%d%n", d.name(), d.engine(),
                    d.channels(), d.ringSize());
        }
        for (io.vhostdma.config.BindingConfig b : config.bindings()) {
            out.printf("vhostd: binding port=%s queue=%s channel=%s%n", b.port(), b.queue(), b.channelName());
        }
        for (io.vhostdma.config.AccessGroupConfig g : config.accessGroups()) {
            out.printf("vhostd: access-group name=%s members=%s%n", g.name(), String.join(",", g.members()));
        }
        PortConfig first = config.ports().get(0);
        String chardev = first.mode() == PortMode.SERVER ? "path=" + first.socket() + ",reconnect=1"
                : "path=" + first.socket() + ",server=on,wait=off";
        out.println("vhostd: connect a QEMU guest to " + first.name() + " with:");
        out.println("  qemu-system-x86_64 -m 1G -object memory-backend-memfd,id=mem,size=1G,share=on"
                + " -numa node,memdev=mem -chardev socket,id=c0," + chardev
                + " -netdev vhost-user,id=n0,chardev=c0,queues=" + first.queuePairs()
                + " -device virtio-net-pci,netdev=n0" + (first.queuePairs() > 1 ? ",mq=on" : "") + " ...");
        out.flush();
    }

    /** What an operator or embedding program sees and steers (also behind the gRPC service). */
    public Management management() {
        return management;
    }

    /** The TCP port the gRPC management service listens on. */
    public int grpcPort() {
        return grpc.port();
    }

    /** The TCP port the Prometheus endpoint listens on. */
    public int metricsPort() {
        return metrics.port();
    }

    /** The Vert.x instance of the control plane (io_uring transport). */
    public Vertx vertx() {
        return vertx;
    }

    /** The data plane (ports, workers, counters). */
    public DataPlaneImpl dataPlane() {
        return plane;
    }

    /** The DMA devices, bindings, guest-memory registrations and access groups. */
    public DmaRuntime dma() {
        return dma;
    }

    /** Protocol counters of each port, in config order. */
    public List<SessionCounters> sessionCounters() {
        return sessionCounters;
    }

    private void closeManagement() {
        for (AutoCloseable e : new AutoCloseable[] {grpc, metrics}) {
            try {
                if (e != null) {
                    e.close();
                }
            } catch (Exception ex) {
                out.println("vhostd: error closing management endpoint: " + ex.getMessage());
            }
        }
    }

    /** Stops the management endpoints, the ports, the workers and Vert.x, then prints the {@code final} stats lines. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeManagement();
        if (statsTimer >= 0) {
            vertx.cancelTimer(statsTimer);
        }
        List<AutoCloseable> open;
        synchronized (this) {
            open = new ArrayList<>(endpoints.values());
        }
        for (AutoCloseable e : open) {
            try {
                e.close();
            } catch (Exception ex) {
                out.println("vhostd: error closing port: " + ex.getMessage());
            }
        }
        try {
            plane.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
        printer.printFinal();
        dma.close();
        for (io.vhostdma.backend.dataplane.Worker w : plane.workers()) {
            out.printf("final worker=%d packets=%d busy_cycles=%d idle_cycles=%d sleeps=%d%n", w.id(),
                    w.stats().packets(), w.stats().busyCycles(), w.stats().idleCycles(), w.stats().sleeps());
        }
        out.flush();
    }
}
