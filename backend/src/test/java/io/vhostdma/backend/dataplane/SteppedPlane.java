package io.vhostdma.backend.dataplane;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vhostdma.backend.dma.DmaRuntime;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.transport.PortListener;
import io.vhostdma.vhost.transport.PortSpec;
import io.vhostdma.vhost.transport.VhostUserServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A data plane in the stepped threading mode, serving real vhost-user sockets (the Java front end connects to
 * them): the test thread runs every duty cycle ({@link #step()}), so a test sees exactly what one cycle did. While
 * a front end connects or disconnects (the session waits for commands the workers run), a helper thread steps.
 * Public for the tests of other packages that step the workers (the reactive sender's).
 */
public final class SteppedPlane implements AutoCloseable {
    final VhostdConfig config;
    public final DataPlaneImpl plane;
    final DmaRuntime dma;
    private final Vertx vertx;
    private final List<VhostUserServer> servers = new ArrayList<>();
    private final List<VhostUserFrontend> frontends = new ArrayList<>();

    /**
     * @param dir   where the sockets go
     * @param yaml  the config after its {@code ports:} list (workers, dma, bindings, access-groups), may be empty
     * @param ports {@code name:queuePairs} of each port
     */
    public SteppedPlane(Path dir, String yaml, String... ports) {
        StringBuilder text = new StringBuilder("ports:\n");
        for (String p : ports) {
            String[] nq = p.split(":");
            text.append("  - name: ").append(nq[0]).append("\n    socket: ").append(dir.resolve(nq[0] + ".sock"))
                    .append("\n    queue-pairs: ").append(nq[1]).append('\n');
        }
        text.append(yaml).append("runtime-dir: ").append(dir).append('\n');
        try {
            config = ConfigLoader.parse(text.toString(), "stepped-test");
        } catch (ConfigException e) {
            throw new AssertionError("test config refused: " + e.problems(), e);
        }
        List<PortState> states = new ArrayList<>();
        for (PortConfig p : config.ports()) {
            states.add(new PortState(states.size(), p.name(), p.queuePairs(), p.macLimit(), null));
        }
        dma = new DmaRuntime(config);
        plane = new DataPlaneImpl(states, config.workers(), List.of(), false, dma, config.macAgingTime(), true);
        dma.start(plane);
        vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(Transport.IO_URING).build();
        for (PortConfig p : config.ports()) {
            PortState state = plane.port(p.name());
            PortListener listener = new PortListener() {
                @Override
                public void connected(String name, VhostDevice device) {
                    state.device(device);
                }

                @Override
                public void disconnected(String name, VhostDevice device, String reason) {
                    if (state.device() == device) {
                        state.device(null);
                    }
                }
            };
            PortSpec spec = new PortSpec(p.name(), p.socket(), 0600, p.queuePairs());
            servers.add(VhostUserServer.listen(vertx, spec, plane, dma, listener).toCompletableFuture().join());
        }
    }

    /** One duty cycle of every worker, on this thread; returns the work done. */
    public int step() {
        return plane.step();
    }

    /** Steps until {@code condition} holds (at most 10 s: an engine thread may be slow on a loaded machine). */
    void stepUntil(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached in 10 s of duty cycles: " + what);
            }
            step();
            Thread.onSpinWait();
        }
    }

    /** Steps until {@code f} completes and returns its value. */
    <T> T stepUntilDone(CompletableFuture<T> f) {
        stepUntil(f::isDone, "future completed");
        return f.join();
    }

    /** Connects a front end to {@code port} (16 MiB) while a helper thread steps; back on this thread afterwards. */
    public VhostUserFrontend connect(String port) {
        VhostUserFrontend[] fe = new VhostUserFrontend[1];
        whileStepping(() -> {
            PortConfig pc = config.ports().get(index(port));
            fe[0] = VhostUserFrontend.connect(FrontendOptions.builder(pc.socket()).queuePairs(pc.queuePairs())
                    .memorySize(16L << 20).timeoutMillis(10_000).build());
            long end = System.nanoTime() + 10_000_000_000L;
            while (plane.port(port).device() == null && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
        stepUntilDone(plane.quiesce()); // every attach ran
        frontends.add(fe[0]);
        return fe[0];
    }

    /** Closes {@code fe} (GET_VRING_BASE for every ring) while a helper thread steps. */
    void disconnect(VhostUserFrontend fe) {
        frontends.remove(fe);
        whileStepping(fe::close);
    }

    private int index(String port) {
        for (int i = 0; i < config.ports().size(); i++) {
            if (config.ports().get(i).name().equals(port)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such port: " + port);
    }

    /** Runs {@code action} on this thread while another thread steps the data plane. */
    private void whileStepping(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean on = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread stepper = Thread.ofPlatform().name("stepper").start(() -> {
            while (on.get()) {
                plane.step();
                Thread.onSpinWait();
            }
        });
        try {
            action.run();
        } finally {
            on.set(false);
            try {
                stepper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        for (VhostUserFrontend fe : new ArrayList<>(frontends)) {
            disconnect(fe);
        }
        whileStepping(() -> {
            for (VhostUserServer s : servers) {
                s.close();
            }
        });
        try {
            plane.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dma.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
