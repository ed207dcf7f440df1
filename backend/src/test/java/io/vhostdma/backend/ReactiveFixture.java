package io.vhostdma.backend;

import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.reactive.VhostBackend;
import io.vhostdma.backend.stats.PortCounters;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.vhost.frontend.FrontendOptions;
import io.vhostdma.vhost.frontend.VhostUserFrontend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** A {@link VhostBackend} started from a test config, with front ends connected to its ports. */
final class ReactiveFixture implements AutoCloseable {
    static final long WAIT_MILLIS = 15_000;
    static final Duration WAIT = Duration.ofMillis(WAIT_MILLIS);
    private final Path dir;
    final VhostBackend backend;
    private final List<VhostUserFrontend> frontends = new ArrayList<>();

    ReactiveFixture(Path dir, VhostdConfig config) {
        this.dir = dir;
        this.backend = VhostBackend.start(config).await().atMost(WAIT);
    }

    PortState port(String name) {
        return backend.vhostd().dataPlane().port(name);
    }

    PortCounters counters(String port) {
        return port(port).counters();
    }

    VhostUserFrontend connect(String port, UnaryOperator<FrontendOptions.Builder> custom) {
        VhostUserFrontend fe = DaemonFixture.connect(backend.vhostd(), dir.resolve(port + ".sock"), port, custom);
        frontends.add(fe);
        return fe;
    }

    VhostUserFrontend connect(String port) {
        return connect(port, b -> b);
    }

    void settle() {
        DaemonFixture.settle(backend.vhostd());
    }

    static void awaitUntil(BooleanSupplier condition, String what) {
        DaemonFixture.awaitUntil(condition, what);
    }

    /** Sends one frame on queue pair 0 of {@code fe}, reclaiming TX descriptors until it is queued. */
    static void send(VhostUserFrontend fe, byte[] frame) {
        Receive.send(fe, frame);
    }

    /** The next frame on queue pair 0 of {@code fe}, waiting up to the fixture's bound. */
    static byte[] next(VhostUserFrontend fe, String who) {
        return Receive.next(fe, who);
    }

    void closeFrontends() {
        for (VhostUserFrontend fe : frontends) {
            try {
                fe.close();
            } catch (RuntimeException ignored) {
                // a test may have broken the connection on purpose
            }
        }
        frontends.clear();
    }

    @Override
    public void close() {
        closeFrontends();
        backend.close().await().atMost(Duration.ofSeconds(30));
    }
}
