package io.vhostdma.backend.grpc;

import io.vhostdma.backend.control.ChannelView;
import io.vhostdma.backend.control.ControlException;
import io.vhostdma.backend.control.DeviceView;
import io.vhostdma.backend.control.GroupView;
import io.vhostdma.backend.control.Management;
import io.vhostdma.backend.control.RpcRefusals;
import io.vhostdma.backend.control.PortView;
import io.vhostdma.backend.control.QueueView;
import io.vhostdma.backend.control.RegionView;
import io.vhostdma.backend.control.StatusView;
import io.vhostdma.backend.control.WorkerView;
import io.vhostdma.backend.events.EventHub;
import io.vhostdma.config.PortConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A hand-built {@link Management} for unit tests of the gRPC, metrics and vhostctl layers: fixed
 * views (one port {@code vm1} with a tricky socket path, two queues, one DMA device, one group), a
 * real {@link EventHub}, and {@link #failure} thrown by every operation when set.
 */
public final class FakeManagement implements Management {
    /** What the gRPC layer refused, as the real backend counts it. */
    public final RpcRefusals refusals = new RpcRefusals();
    public final EventHub hub = new EventHub();
    public volatile RuntimeException failure;
    public volatile PortConfig lastAdded;
    /** The token of the last join, leave or create-group. */
    public volatile String lastToken;
    /** Operations called so far (views and changes). */
    public final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    public static final StatusView STATUS = new StatusView("0.1.0-test", 1_700_000_000_000L, 12_345L, "switch", 1,
            List.of(new WorkerView(0, 2, 2, 1000, 30, 70, 5, 0.3)), List.of("cpu", "sw"), 1);
    public static final PortView PORT = new PortView("vm1", "/tmp/a \"b\"\\c.sock", "server", "connected", 0x1_0000_0000L,
            List.of("VERSION_1"), 1, "g1", 7, "external", List.of(new RegionView(0, 1 << 20, 0x7f00_0000_0000L, "external")));
    public static final QueueView RXQ = new QueueView("vm1", "rxq0", 0, true, 0, "dma0/0", 10, 1000,
            Map.of("rx_no_buffers", 3L), 0, 10, 9, 1, 1);
    public static final QueueView TXQ = new QueueView("vm1", "txq0", 1, true, 0, null, 20, 2000, Map.of(), 2, 0, 0, 0, 0);
    public static final DeviceView DEVICE = new DeviceView("dma0", "sw", 4096, List.of(
            new ChannelView("dma0/0", "dma0", 0, "vm1/rxq0", 10, 9, 1, Map.of("host->vm1", 900L)),
            new ChannelView("dma0/1", "dma0", 1, null, 0, 0, 0, Map.of())));
    public static final GroupView GROUP = new GroupView("g1", "vm1", List.of("vm1"));

    private void check() {
        calls.incrementAndGet();
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    @Override
    public StatusView status() {
        check();
        return STATUS;
    }

    @Override
    public io.vhostdma.config.VhostdConfig runningConfig() {
        check();
        return io.vhostdma.config.EmbeddedDefault.create(java.nio.file.Path.of("/tmp/fake-vhostd"), 1);
    }

    @Override
    public List<PortView> ports() {
        check();
        return List.of(PORT);
    }

    @Override
    public PortView port(String name) {
        check();
        if (!name.equals("vm1")) {
            throw new ControlException(ControlException.Code.NOT_FOUND, "unknown port: port=" + name);
        }
        return PORT;
    }

    @Override
    public List<QueueView> queues(String port) {
        check();
        return port == null || port.equals("vm1") ? List.of(RXQ, TXQ) : List.of();
    }

    @Override
    public List<DeviceView> devices() {
        check();
        return List.of(DEVICE);
    }

    @Override
    public List<GroupView> groups() {
        check();
        return List.of(GROUP);
    }

    @Override
    public CompletionStage<QueueView> bind(String port, String queue, String channel) {
        RuntimeException f = failure;
        return f != null ? CompletableFuture.failedFuture(f) : CompletableFuture.completedFuture(RXQ);
    }

    @Override
    public CompletionStage<QueueView> unbind(String port, String queue) {
        check();
        return CompletableFuture.completedFuture(TXQ);
    }

    @Override
    public CompletionStage<PortView> addPort(PortConfig port) {
        check();
        lastAdded = port;
        return CompletableFuture.completedFuture(PORT);
    }

    /** No port here carries traffic: a capture reaches the backend and is refused as an unknown port. */
    @Override
    public io.vhostdma.backend.control.CaptureSession capture(String port, String queue) {
        check();
        throw new ControlException(ControlException.Code.NOT_FOUND, "unknown port: port=" + port);
    }

    @Override
    public CompletionStage<Void> removePort(String name) {
        check();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public GroupView createGroup(String group, String token, String creator) {
        check();
        lastToken = token;
        return GROUP;
    }

    @Override
    public GroupView join(String port, String group, String token) {
        check();
        lastToken = token;
        return GROUP;
    }

    @Override
    public GroupView leave(String port, String group, String token) {
        check();
        lastToken = token;
        return GROUP;
    }

    @Override
    public EventHub events() {
        return hub;
    }

    @Override
    public RpcRefusals refusals() {
        return refusals;
    }
}
