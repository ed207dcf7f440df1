package io.vhostdma.backend;

import static org.junit.jupiter.api.Assertions.fail;

import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A running {@link Vhostd} built from a YAML config written by the test, with its output captured,
 * plus helpers to connect front ends to its ports and to wait (boundedly) for the data plane.
 */
final class DaemonFixture implements AutoCloseable {
    static final long WAIT_MILLIS = 15_000;
    /**
     * Metrics on a free loopback port and no TCP gRPC endpoint; the management sockets go in the test's
     * directory (the runtime directory), so parallel daemons never clash.
     */
    static final io.vhostdma.config.ManagementConfig ANY_PORT = io.vhostdma.config.ManagementConfig.metricsOn(
            new io.vhostdma.config.HostPort("127.0.0.1", 0));
    private final Path dir;
    private final Vhostd vhostd;
    private final ByteArrayOutputStream captured;
    private final List<VhostUserFrontend> frontends = new ArrayList<>();

    private DaemonFixture(Path dir, Vhostd vhostd, ByteArrayOutputStream captured) {
        this.dir = dir;
        this.vhostd = vhostd;
        this.captured = captured;
    }

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    Vhostd vhostd() {
        return vhostd;
    }

    Path socket(String port) {
        return dir.resolve(port + ".sock");
    }

    PortState port(String name) {
        return vhostd.dataPlane().port(name);
    }

    PortCounters counters(String port) {
        return port(port).counters();
    }

    /** Everything vhostd printed so far. */
    String output() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Connects a front end to {@code port} (1 queue pair, 16 MiB unless customised) and waits until its rings run. */
    VhostUserFrontend connect(String port, UnaryOperator<FrontendOptions.Builder> custom) {
        VhostUserFrontend fe = connect(vhostd, socket(port), port, custom);
        frontends.add(fe);
        return fe;
    }

    /**
     * Connects a front end (1 queue pair, 16 MiB unless customised) to {@code port} of {@code vhostd}
     * at {@code socket} and waits until its rings run.
     */
    static VhostUserFrontend connect(Vhostd vhostd, Path socket, String port,
                                     UnaryOperator<FrontendOptions.Builder> custom) {
        FrontendOptions.Builder b = FrontendOptions.builder(socket).memorySize(16L << 20).timeoutMillis(WAIT_MILLIS);
        VhostUserFrontend fe = VhostUserFrontend.connect(custom.apply(b).build());
        awaitUntil(() -> vhostd.dataPlane().port(port).device() != null, "port " + port + " connected");
        settle(vhostd);
        return fe;
    }

    VhostUserFrontend connect(String port) {
        return connect(port, b -> b);
    }

    /**
     * Waits until every worker ran every command submitted so far (ring attaches included): the
     * control plane submits a ring's attach before it answers the messages that follow.
     */
    void settle() {
        settle(vhostd);
    }

    static void settle(Vhostd vhostd) {
        try {
            vhostd.dataPlane().quiesce().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("data plane did not quiesce", e);
        }
    }

    /** Closes {@code fe} (GET_VRING_BASE for every ring) and waits until vhostd saw the disconnect. */
    void disconnect(String port, VhostUserFrontend fe) {
        frontends.remove(fe);
        fe.close();
        awaitUntil(() -> port(port).device() == null, "port " + port + " disconnected");
        settle();
    }

    /** Releases a front end whose connection vhostd closed (its close fails on the dead socket). */
    void forget(VhostUserFrontend fe) {
        frontends.remove(fe);
        try {
            fe.close();
        } catch (RuntimeException expected) {
            // GET_VRING_BASE on a socket vhostd closed; the front end's fds and memory are released anyway
        }
    }

    static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    @Override
    public void close() {
        for (VhostUserFrontend fe : frontends) {
            try {
                fe.close();
            } catch (RuntimeException ignored) {
                // a test may have broken the connection on purpose
            }
        }
        frontends.clear();
        vhostd.close();
    }

    /** Builds the YAML config (one line per port) and starts vhostd. */
    static final class Builder {
        private final Path dir;
        private final StringBuilder ports = new StringBuilder();
        private int workers = 1;
        private String forwarding = "switch";
        private int macAgingTime = io.vhostdma.config.VhostdConfig.DEFAULT_MAC_AGING_TIME;
        private final List<io.vhostdma.config.DmaDeviceConfig> dma = new ArrayList<>();
        private final List<io.vhostdma.config.BindingConfig> bindings = new ArrayList<>();
        private final List<io.vhostdma.config.AccessGroupConfig> groups = new ArrayList<>();
        private io.vhostdma.config.ManagementConfig management = ANY_PORT;
        private Path runtimeDir;

        /** The runtime directory (management sockets) when it is not the sockets' directory. */
        Builder runtimeDir(Path runtime) {
            this.runtimeDir = runtime;
            return this;
        }

        /** Management settings other than {@link #ANY_PORT} (socket modes, socket-dirs, a TCP endpoint). */
        Builder management(io.vhostdma.config.ManagementConfig m) {
            this.management = m;
            return this;
        }
        private io.vhostdma.config.DpdkConfig dpdk = io.vhostdma.config.DpdkConfig.defaults();

        /** Adds a DMA device (knobs: error probability, completion delay in microseconds). */
        Builder dma(String name, String engine, int channels, int ringSize, double errorProbability, long delayUs) {
            dma.add(new io.vhostdma.config.DmaDeviceConfig(name, engine, channels, ringSize, errorProbability, delayUs));
            return this;
        }

        /** Adds a device of the {@code dpdk} engine driving dmadev {@code dmadev}. */
        Builder dpdkDevice(String name, String dmadev, int channels, int ringSize) {
            dma.add(new io.vhostdma.config.DmaDeviceConfig(name, "dpdk", channels, ringSize, 0.0, 0, dmadev));
            return this;
        }

        /** Sets the {@code dpdk} section. */
        Builder dpdk(io.vhostdma.config.DpdkConfig settings) {
            this.dpdk = settings;
            return this;
        }

        /** Binds {@code port}'s {@code queue} ({@code rxq0}, {@code txq1}, ...) to {@code device/channel}. */
        Builder bind(String port, String queue, String device, int channel) {
            bindings.add(new io.vhostdma.config.BindingConfig(port, io.vhostdma.config.QueueRef.parse(queue), device,
                    channel));
            return this;
        }

        /** Adds an access group. */
        Builder group(String name, String token, String... members) {
            groups.add(new io.vhostdma.config.AccessGroupConfig(name, token, List.of(members)));
            return this;
        }

        private Builder(Path dir) {
            this.dir = dir;
        }

        Builder port(String name, int queuePairs) {
            return port(name, queuePairs, "server");
        }

        /** A port with more keys of its own, each a YAML line such as {@code socket-mode: "0660"}. */
        Builder port(String name, int queuePairs, String mode, String... keys) {
            ports.append("  - name: ").append(name).append('\n')
                    .append("    socket: ").append(dir.resolve(name + ".sock")).append('\n')
                    .append("    mode: ").append(mode).append('\n')
                    .append("    queue-pairs: ").append(queuePairs).append('\n');
            for (String key : keys) {
                ports.append("    ").append(key).append('\n');
            }
            return this;
        }

        /** Adds {@code key: value} to port {@code name} (added before), e.g. {@code mac-limit: 4}. */
        Builder portOption(String name, String keyValue) {
            int at = ports.indexOf("  - name: " + name + "\n");
            if (at < 0) {
                throw new IllegalArgumentException("no such port: " + name);
            }
            ports.insert(at + ("  - name: " + name + "\n").length(), "    " + keyValue + "\n");
            return this;
        }

        /** Sets {@code mac-aging-time}. */
        Builder macAgingTime(int seconds) {
            this.macAgingTime = seconds;
            return this;
        }

        Builder workers(int n) {
            this.workers = n;
            return this;
        }

        Builder sink() {
            this.forwarding = "sink";
            return this;
        }

        String yaml() {
            return "ports:\n" + ports + "workers: " + workers + "\nforwarding: " + forwarding + "\nmac-aging-time: "
                    + macAgingTime + "\n";
        }

        /** The config {@link #start()} would run (for tests that start vhostd another way). */
        VhostdConfig config() {
            try {
                VhostdConfig c = ConfigLoader.parse(yaml(), "test");
                return new VhostdConfig(c.ports(), c.workers(), c.workerCpus(), c.forwarding(), management, dma,
                        bindings, groups, c.macAgingTime(), runtimeDir == null ? dir : runtimeDir, dpdk);
            } catch (ConfigException e) {
                throw new AssertionError("test config refused: " + e.problems(), e);
            }
        }

        DaemonFixture start() {
            VhostdConfig config = config();
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(new LockedStream(captured), true, StandardCharsets.UTF_8);
            return new DaemonFixture(dir, Vhostd.start(config, out), captured);
        }
    }

    /** Serialises writes into the capture buffer with readers of {@link #output()}. */
    private static final class LockedStream extends java.io.OutputStream {
        private final ByteArrayOutputStream target;

        LockedStream(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (target) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (target) {
                target.write(b, off, len);
            }
        }
    }
}
