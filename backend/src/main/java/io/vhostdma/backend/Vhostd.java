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
import io.vhostdma.backend.grpc.Listener;
import io.vhostdma.backend.sockets.EnvironmentException;
import io.vhostdma.backend.sockets.SocketDirectories;
import io.vhostdma.config.Forwarding;
import io.vhostdma.config.MacAddresses;
import io.vhostdma.config.ManagementConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.PortMode;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.transport.SocketFile;
import io.vhostdma.vhost.transport.SocketPathException;
import io.vhostdma.vhost.protocol.SessionCounters;
import io.vhostdma.vhost.transport.PortSpec;
import io.vhostdma.vhost.transport.VhostUserClient;
import io.vhostdma.vhost.transport.VhostUserServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionException;

/**
 * A running vhostd: the data plane's workers, one Vert.x (io_uring) instance for the control
 * plane, a vhost-user server or client per port, the per-second stats line, and the management plane:
 * the gRPC API on the runtime directory's Unix sockets (and optional token-guarded TCP) on a small
 * Vert.x instance of its own, and the metrics endpoint.
 *
 * <p>Why a second Vert.x instance for gRPC: Vert.x 5.0.7 cannot serve a Unix socket on the io_uring
 * transport (added in 5.1). The management instance uses the JDK's NIO transport, which can: one event
 * loop, no native library to add, and management traffic — a human or a script — never shares an event
 * loop with vhost-user connections. Metrics stay on loopback TCP on the io_uring instance.
 */
public final class Vhostd implements AutoCloseable {
    private final VhostdConfig config;
    private final PrintStream out;
    private final DataPlaneImpl plane;
    private final DmaRuntime dma;
    private final Vertx vertx;
    /** The management plane's Vert.x (NIO transport: Unix-socket servers); created with the gRPC endpoint. */
    private Vertx managementVertx;
    /** Socket directories vhostd created, removed at close when empty. */
    private final List<Path> createdDirs;
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

    private Vhostd(VhostdConfig config, PrintStream out, List<Path> createdDirs) {
        this.config = config;
        this.out = out;
        this.createdDirs = createdDirs;
        // one log line per connection: what the front end negotiated (e.g. RING_PACKED), for operators and interop
        events.subscribe(e -> {
            if (e instanceof BackendEvent.FeaturesNegotiated f) {
                out.println("vhostd: port=" + f.port() + " features=" + String.join(",", f.names()));
            }
        });
        List<PortState> ports = new ArrayList<>();
        List<PortCounters> counters = new ArrayList<>();
        for (PortConfig p : config.ports()) {
            PortState s = portState(ports.size(), p);
            ports.add(s);
            counters.add(s.counters());
        }
        if (!io.netty.channel.uring.IoUring.isAvailable()) {
            throw new IllegalStateException("io_uring is not available: cause="
                    + io.netty.channel.uring.IoUring.unavailabilityCause());
        }
        this.dma = new DmaRuntime(config);
        this.plane = new DataPlaneImpl(ports, config.workers(), config.workerCpus(),
                config.forwarding() == Forwarding.SINK, dma, config.macAgingTime());
        this.printer = new StatsPrinter(this::portCounters, dma.devices().values(), out);
        this.vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2))
                .withTransport(Transport.IO_URING).build();
        this.management = new BackendManagement(config, plane, dma, events, new Lifecycle());
    }

    /** The data plane's state of port {@code p} with id {@code id}: its MAC limit and allowed MACs from the config. */
    private static PortState portState(int id, PortConfig p) {
        long[] allowed = new long[p.allowedMacs().size()];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = MacAddresses.parse(p.allowedMacs().get(i));
        }
        return new PortState(id, p.name(), p.queuePairs(), p.macLimit(), allowed);
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

    /**
     * Prepares the socket directories, then starts the data plane, every port and the management plane;
     * throws {@link EnvironmentException} (exit 3) when a directory or socket path is not usable, else
     * with {@code name=value} context on failure. A config without a runtime directory gets the default
     * ({@link RuntimeDir#resolve}).
     */
    public static Vhostd start(VhostdConfig config, PrintStream out) {
        int uid = RuntimeDir.currentUid();
        VhostdConfig c = config.runtimeDir() != null ? config
                : config.withRuntimeDir(RuntimeDir.resolve(System.getenv(), uid));
        List<Path> created = SocketDirectories.prepare(c, uid);
        Vhostd d;
        try {
            checkManagementSockets(c.runtimeDir());
            d = new Vhostd(c, out, created);
        } catch (RuntimeException e) {
            SocketDirectories.removeEmpty(created);
            throw e;
        }
        try {
            d.dma.start(d.plane);
            d.plane.start();
            for (int i = 0; i < c.ports().size(); i++) {
                d.startConfiguredPort(i);
            }
            d.statsTimer = d.vertx.setPeriodic(1000, id -> {
                d.printer.tick();
                d.management.sampleDmaErrors();
                d.plane.ageMacs(System.nanoTime());
            });
            d.printBanner();
            d.startManagement();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Refuses to start when another process serves this runtime directory's management sockets. */
    private static void checkManagementSockets(Path runtimeDir) {
        for (String name : List.of(RuntimeDir.CONTROL_SOCKET, RuntimeDir.READ_ONLY_SOCKET)) {
            Path p = runtimeDir.resolve(name);
            switch (SocketFile.probe(p)) {
                case LIVE -> throw new EnvironmentException("runtime-dir: " + p + " is in use: another vhostd serves"
                        + " this runtime directory (give this one its own runtime-dir)");
                case NOT_A_SOCKET -> throw new EnvironmentException("runtime-dir: " + p + " exists and is not a socket");
                case ABSENT, STALE -> { }
            }
        }
    }

    /** Starts configured port {@code i}; a socket path in use is an environment problem named by its key. */
    private void startConfiguredPort(int i) {
        try {
            startPort(config.ports().get(i));
        } catch (SocketPathException e) {
            throw new EnvironmentException("ports[" + i + "].socket: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the gRPC endpoint (the runtime directory's two sockets, TCP when configured) and the
     * metrics endpoint, and prints where they listen.
     */
    private void startManagement() {
        ManagementConfig m = config.management();
        List<Listener> listeners = new ArrayList<>(List.of(
                Listener.unix(controlSocket(), m.socketMode(), m.socketGroup(), Listener.Access.FULL),
                Listener.unix(readOnlySocket(), m.roSocketMode(), null, Listener.Access.READ_ONLY)));
        if (m.grpc() != null) {
            try {
                listeners.add(Listener.tcp(m.grpc(), m.readToken()));
            } catch (IllegalStateException e) {
                throw new EnvironmentException(e.getMessage(), e);
            }
        }
        managementVertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(1)).withTransport(Transport.NIO).build();
        try {
            grpc = join(GrpcEndpoint.start(managementVertx, management, listeners));
        } catch (SocketPathException e) {
            throw new EnvironmentException("runtime-dir: " + e.getMessage(), e);
        }
        metrics = join(MetricsEndpoint.start(vertx, management, m.metrics()));
        out.printf("vhostd: management socket %s (every RPC, mode %04o%s)%n", listeners.get(0).socket(),
                m.socketMode(), m.socketGroup() == null ? "" : ", group " + m.socketGroup());
        out.printf("vhostd: management socket %s (read-only RPCs, mode %04o)%n", listeners.get(1).socket(),
                m.roSocketMode());
        if (m.grpc() != null) {
            out.printf("vhostd: grpc listening on %s:%d (TCP: changes need the management token)%n", m.grpc().host(),
                    grpc.port());
        }
        out.printf("vhostd: metrics on http://%s:%d/metrics%n", m.metrics().host(), metrics.port());
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
        PortSpec spec = new PortSpec(p.name(), p.socket(), p.socketMode(), p.queuePairs(), p.socketGroup());
        PortEvents listener = new PortEvents(state, plane, out, events);
        if (p.mode() == PortMode.SERVER) {
            try {
                VhostUserServer server = VhostUserServer.listen(vertx, spec, plane, dma, listener).toCompletableFuture().join();
                synchronized (this) {
                    endpoints.put(p.name(), server);
                }
                sessionCounters.add(server.counters());
            } catch (CompletionException e) {
                throw new IllegalStateException("cannot serve port=" + p.name() + " socket=" + p.socket()
                        + ": " + e.getCause().getMessage(), e.getCause());
            }
        } else {
            VhostUserClient client = VhostUserClient.start(vertx, spec, plane, dma, listener);
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
            PortState state = portState(plane.nextPortId(), p);
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

    /** The TCP port the gRPC management service listens on, or -1 when it has no TCP endpoint. */
    public int grpcPort() {
        return grpc.port();
    }

    /** The management socket that serves every RPC ({@code vhostd.sock} in the runtime directory). */
    public Path controlSocket() {
        return config.runtimeDir().resolve(RuntimeDir.CONTROL_SOCKET);
    }

    /** The management socket that serves read-only RPCs. */
    public Path readOnlySocket() {
        return config.runtimeDir().resolve(RuntimeDir.READ_ONLY_SOCKET);
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
    @SuppressWarnings("exports") // wiring for the reactive and control packages and tests; the type stays internal
    public DataPlaneImpl dataPlane() {
        return plane;
    }

    /** The DMA devices, bindings, guest-memory registrations and access groups. */
    @SuppressWarnings("exports") // wiring for the reactive and control packages and tests; the type stays internal
    public DmaRuntime dma() {
        return dma;
    }

    /** Protocol counters of each port, in config order. */
    @SuppressWarnings("exports") // wiring for the reactive and control packages and tests; the type stays internal
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
        if (managementVertx != null) {
            managementVertx.close().toCompletionStage().toCompletableFuture().join();
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
        SocketDirectories.removeEmpty(createdDirs);
        for (io.vhostdma.backend.dataplane.Worker w : plane.workers()) {
            out.printf("final worker=%d packets=%d busy_cycles=%d idle_cycles=%d sleeps=%d%n", w.id(),
                    w.stats().packets(), w.stats().busyCycles(), w.stats().idleCycles(), w.stats().sleeps());
        }
        out.flush();
    }
}
