package io.vhostdma.backend.control;

import io.vhostdma.backend.control.ControlException.Code;
import io.vhostdma.backend.dataplane.ChannelBinding;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.backend.dataplane.RingListener;
import io.vhostdma.backend.dma.AccessException;
import io.vhostdma.backend.dma.ChannelBindings;
import io.vhostdma.backend.dma.DmaRuntime;
import io.vhostdma.backend.events.BackendEvent;
import io.vhostdma.backend.events.EventHub;
import io.vhostdma.backend.stats.QueueCounters;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.ConfigException;
import io.vhostdma.config.ConfigLoader;
import io.vhostdma.config.EmbeddedDefault;
import io.vhostdma.config.ManagementConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.QueueRef;
import io.vhostdma.config.RuntimeDir;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.dma.DmaDevices;
import io.vhostdma.vhost.protocol.VhostDevice;
import io.vhostdma.vhost.transport.SocketPathException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@link Management} of one running vhostd. Views are built on the caller's thread; live
 * operations that wait (a binding change draining its queue, a port's front end going away) run on a
 * virtual thread, one at a time per kind of resource, never on an event loop or a worker.
 */
@SuppressWarnings("exports") // built by Vhostd from the module's internal types; clients use Management
public final class BackendManagement implements Management, RingListener {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.management");
    private static final Executor BLOCKING = r -> Thread.ofVirtual().name("vhostd-mgmt").start(r);

    /** Starts and stops ports (implemented by the daemon). Blocking calls. */
    public interface Ports {
        /** Creates the port's state and starts serving its socket; throws with context on failure. */
        void add(PortConfig port);

        /** Disconnects the port's front end, closes its socket and forgets it. */
        void remove(String name);
    }

    private final VhostdConfig config;
    private final DataPlaneImpl plane;
    private final DmaRuntime dma;
    private final EventHub events;
    private final Ports lifecycle;
    private final Views views;
    private final SocketPolicy socketPolicy;
    private final RpcRefusals refusals = new RpcRefusals();
    private final long startedMillis = System.currentTimeMillis();
    /** Port name → its settings, in the order ports were added. Guarded by {@code this}. */
    private final Map<String, PortConfig> ports = new LinkedHashMap<>();
    /** The device whose features were last reported per port (one report per connection). */
    private final Map<String, VhostDevice> reported = new HashMap<>();
    /** Per bound queue: DMA errors already reported. Touched by the sampling timer only. */
    private final Map<QueueCounters, Long> errorsSeen = new HashMap<>();
    /** Group name → the token it was created with (config or CreateGroup), for the running config. Guarded by {@code this}. */
    private final Map<String, String> groupTokens = new HashMap<>();
    /** Binding changes run one at a time (a channel has one producer at a time). */
    private final Object bindLock = new Object();

    public BackendManagement(VhostdConfig config, DataPlaneImpl plane, DmaRuntime dma, EventHub events,
                             Ports lifecycle) {
        this.config = config;
        this.plane = plane;
        this.dma = dma;
        this.events = events;
        this.lifecycle = lifecycle;
        this.views = new Views(plane, dma);
        this.socketPolicy = new SocketPolicy(config, RuntimeDir.currentUid());
        for (PortConfig p : config.ports()) {
            ports.put(p.name(), p);
        }
        config.accessGroups().forEach(g -> groupTokens.put(g.name(), g.token()));
        plane.ringListener(this);
    }

    // ---- views ----

    @Override
    public StatusView status() {
        long now = System.currentTimeMillis();
        int n;
        synchronized (this) {
            n = ports.size();
        }
        return new StatusView(Version.VALUE, startedMillis, now - startedMillis, config.forwarding().configName(), n,
                views.workers(), List.copyOf(DmaDevices.engines()),
                dma.access() == null ? 0 : dma.access().refusedJoins());
    }

    @Override
    public VhostdConfig runningConfig() {
        Map<String, String> tokens;
        synchronized (this) {
            tokens = Map.copyOf(groupTokens);
        }
        return RunningConfig.of(config, portConfigs(), queues(null), groups(), tokens);
    }

    @Override
    public List<PortView> ports() {
        List<PortView> out = new ArrayList<>();
        for (PortConfig c : portConfigs()) {
            PortState p = plane.port(c.name());
            if (p != null) {
                out.add(views.port(c, p));
            }
        }
        return out;
    }

    @Override
    public PortView port(String name) {
        PortConfig c;
        synchronized (this) {
            c = ports.get(name);
        }
        PortState p = name == null ? null : plane.port(name);
        if (c == null || p == null) {
            throw notFoundPort(name);
        }
        return views.port(c, p);
    }

    @Override
    public List<QueueView> queues(String port) {
        if (port != null && !port.isEmpty()) {
            return views.queues(state(port));
        }
        List<QueueView> out = new ArrayList<>();
        for (PortConfig c : portConfigs()) {
            PortState p = plane.port(c.name());
            if (p != null) {
                out.addAll(views.queues(p));
            }
        }
        return out;
    }

    @Override
    public List<DeviceView> devices() {
        return views.devices();
    }

    @Override
    public List<GroupView> groups() {
        List<GroupView> out = new ArrayList<>();
        if (dma.access() == null) {
            return out;
        }
        for (String g : dma.access().groups()) {
            out.add(group(g));
        }
        return out;
    }

    private GroupView group(String name) {
        return new GroupView(name, dma.access().creator(name), List.copyOf(dma.access().members(name)));
    }

    @Override
    public EventHub events() {
        return events;
    }

    @Override
    public RpcRefusals refusals() {
        return refusals;
    }

    // ---- bindings ----

    @Override
    public CompletionStage<QueueView> bind(String port, String queue, String channel) {
        PortState p = state(port);
        int ring = ring(p, queue);
        if (channel == null || channel.isBlank()) {
            throw new ControlException(Code.INVALID_ARGUMENT, "channel is required as device/index: port=" + port
                    + " queue=" + queue);
        }
        ChannelRef ref = ChannelRef.parse(channel.trim());
        if (ref == null) {
            throw new ControlException(Code.INVALID_ARGUMENT, "channel must be device/index: channel=" + channel);
        }
        ChannelBinding target = dma.channel(ref);
        if (target == null) {
            throw new ControlException(Code.NOT_FOUND, "no such DMA channel: channel=" + channel + " ("
                    + describeDevices(ref) + ")");
        }
        return rebind(p, ring, target);
    }

    @Override
    public CompletionStage<QueueView> unbind(String port, String queue) {
        PortState p = state(port);
        return rebind(p, ring(p, queue), null);
    }

    private CompletionStage<QueueView> rebind(PortState p, int ring, ChannelBinding target) {
        ChannelBindings.PortQueue holder = ChannelBindings.PortQueue.ofRing(p.name(), ring);
        return CompletableFuture.supplyAsync(() -> {
            synchronized (bindLock) {
                ChannelBinding old = dma.binding(p.name(), ring);
                String from = old == null ? null : old.name();
                String to = target == null ? null : target.name();
                if (java.util.Objects.equals(from, to)) {
                    return views.queue(p, ring);
                }
                if (target != null) {
                    ChannelBindings.PortQueue other = dma.channels().reserve(target.ref(), holder);
                    if (other != null) {
                        throw new ControlException(Code.ALREADY_EXISTS, "channel in use: channel=" + to
                                + " bound to " + other);
                    }
                }
                dma.channels().bind(holder, target);
                boolean live = plane.rebind(p, ring, target).join();
                if (from != null) {
                    dma.channels().release(old.ref(), holder); // only now: its copies drained
                }
                LOG.log(System.Logger.Level.INFO, "binding changed: port=" + p.name() + " queue="
                        + QueueRef.ofRing(ring).toString() + " from=" + (from == null ? "cpu" : from) + " to="
                        + (to == null ? "cpu" : to) + " live=" + live);
                events.publish((seq, t) -> new BackendEvent.BindingChanged(seq, t, p.name(),
                        QueueRef.ofRing(ring).toString(), from, to));
                return views.queue(p, ring);
            }
        }, BLOCKING);
    }

    /** What exists instead of {@code ref}: its device's channel count, or the device names. */
    private String describeDevices(ChannelRef ref) {
        var device = dma.devices().get(ref.device());
        if (device != null) {
            return device.name() + " has " + device.info().channels() + " channels";
        }
        return dma.devices().isEmpty() ? "no DMA devices are configured"
                : "devices: " + String.join(", ", dma.devices().keySet());
    }

    private static int ring(PortState p, String queue) {
        QueueRef ref = QueueRef.parse(queue == null ? null : queue.trim());
        if (ref == null) {
            throw new ControlException(Code.INVALID_ARGUMENT, "queue must be rxqN or txqN: queue=" + queue);
        }
        if (ref.queuePair() >= p.queuePairs()) {
            throw new ControlException(Code.NOT_FOUND, "no such queue: port=" + p.name() + " queue=" + queue
                    + " (queue-pairs=" + p.queuePairs() + ")");
        }
        return ref.ringIndex();
    }

    // ---- ports ----

    @Override
    public CompletionStage<PortView> addPort(PortConfig port) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                validate(port);
                try {
                    lifecycle.add(port);
                } catch (SocketPathException e) {
                    throw SocketPolicy.refused(port, e); // the path changed since validate looked
                }
                ports.put(port.name(), port);
            }
            return port(port.name());
        }, BLOCKING);
    }

    /**
     * Checks a new port the way the config file's ports are checked, against the ports running now, then
     * where its socket may go ({@link SocketPolicy}).
     */
    private void validate(PortConfig port) {
        if (ports.containsKey(port.name())) {
            throw new ControlException(Code.ALREADY_EXISTS, "port exists: port=" + port.name());
        }
        for (PortConfig p : ports.values()) {
            if (p.socket().equals(port.socket())) {
                throw new ControlException(Code.ALREADY_EXISTS, "socket in use by port=" + p.name() + ": socket="
                        + port.socket());
            }
        }
        List<PortConfig> all = new ArrayList<>(ports.values());
        all.add(port);
        VhostdConfig candidate = new VhostdConfig(all, 1, List.of(), config.forwarding(), ManagementConfig.defaults());
        try {
            ConfigLoader.parse(EmbeddedDefault.yaml(candidate), "port");
        } catch (ConfigException e) {
            throw new ControlException(Code.INVALID_ARGUMENT, String.join("; ", e.problems()));
        }
        socketPolicy.check(port);
    }

    @Override
    public CompletionStage<Void> removePort(String name) {
        PortState p = state(name);
        return CompletableFuture.runAsync(() -> {
            synchronized (this) {
                if (!ports.containsKey(name)) {
                    throw notFoundPort(name);
                }
                String group = dma.access() == null ? null : dma.access().groupOf(name);
                if (group != null) {
                    leaveChecked(name, group, null);
                }
                lifecycle.remove(name);
                ports.remove(name);
                synchronized (bindLock) {
                    for (int r = 0; r < 2 * p.queuePairs(); r++) {
                        dma.channels().bind(ChannelBindings.PortQueue.ofRing(name, r), null);
                    }
                }
            }
        }, BLOCKING);
    }

    @Override
    public CaptureSession capture(String port, String queue) {
        return CaptureSession.open(state(port), plane, queue);
    }

    // ---- access groups ----

    @Override
    public GroupView createGroup(String group, String token, String creator) {
        requireAccess();
        requireToken(token);
        state(creator);
        try {
            dma.access().create(group, token, creator);
        } catch (AccessException e) {
            throw translate(e, group, creator);
        }
        synchronized (this) {
            groupTokens.put(group, token);
        }
        events.publish((seq, t) -> new BackendEvent.MembershipChanged(seq, t, group, creator, "created"));
        return group(group);
    }

    @Override
    public GroupView join(String port, String group, String token) {
        requireAccess();
        state(port);
        try {
            dma.access().join(port, group, token);
        } catch (AccessException e) {
            throw translate(e, group, port);
        }
        events.publish((seq, t) -> new BackendEvent.MembershipChanged(seq, t, group, port, "joined"));
        return group(group);
    }

    @Override
    public GroupView leave(String port, String group, String token) {
        requireAccess();
        requireToken(token);
        return leaveChecked(port, group, token);
    }

    /** Leaves presenting {@code token}, or without a check when {@code token} is null (the port is being removed). */
    private GroupView leaveChecked(String port, String group, String token) {
        state(port);
        boolean creator = port.equals(dma.access().creator(group));
        try {
            dma.access().leave(port, group, token);
        } catch (AccessException e) {
            throw new ControlException(code(e), e.getMessage(), e);
        }
        events.publish((seq, t) -> new BackendEvent.MembershipChanged(seq, t, group, port,
                creator ? "destroyed" : "left"));
        return group(group);
    }

    private void requireAccess() {
        if (dma.access() == null) {
            throw new ControlException(Code.UNAVAILABLE, "access groups are not started");
        }
    }

    private static void requireToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new ControlException(Code.INVALID_ARGUMENT, "a group needs a non-empty token");
        }
    }

    private static Code code(AccessException e) {
        return switch (e.reason()) {
            case UNKNOWN_GROUP, UNKNOWN_PORT -> Code.NOT_FOUND;
            case WRONG_TOKEN -> Code.PERMISSION_DENIED;
            case GROUP_EXISTS -> Code.ALREADY_EXISTS;
            case ALREADY_MEMBER, NOT_MEMBER, CREATOR_BUSY -> Code.FAILED_PRECONDITION;
        };
    }

    /** The status of a refused join or create; a wrong token or unknown group is published as join_refused. */
    private ControlException translate(AccessException e, String group, String port) {
        Code code = code(e);
        if (e.reason() == AccessException.Reason.WRONG_TOKEN || e.reason() == AccessException.Reason.UNKNOWN_GROUP) {
            String reason = e.reason() == AccessException.Reason.WRONG_TOKEN ? "wrong token" : "unknown group";
            events.publish((seq, t) -> new BackendEvent.JoinRefused(seq, t, group, port, reason));
        }
        return new ControlException(code, e.getMessage(), e);
    }

    // ---- ring events (RingListener) and DMA error sampling ----

    @Override
    public void started(PortState port, VhostDevice device, int ringIndex, String channel) {
        boolean report;
        synchronized (reported) {
            report = reported.put(port.name(), device) != device;
        }
        if (report) {
            long f = device.features();
            events.publish((seq, t) -> new BackendEvent.FeaturesNegotiated(seq, t, port.name(), f, FeatureNames.of(f)));
        }
        events.publish((seq, t) -> new BackendEvent.QueueStarted(seq, t, port.name(), QueueRef.ofRing(ringIndex).toString(),
                channel));
    }

    @Override
    public void stopped(PortState port, int ringIndex) {
        events.publish((seq, t) -> new BackendEvent.QueueStopped(seq, t, port.name(), QueueRef.ofRing(ringIndex).toString()));
    }

    /**
     * Publishes a {@link BackendEvent.DmaErrors} for every queue whose channel reported failed copies
     * since the last call (called once a second by the daemon's timer).
     */
    public void sampleDmaErrors() {
        for (PortState p : plane.ports()) {
            if (p.removed()) {
                continue;
            }
            for (int q = 0; q < p.queuePairs(); q++) {
                sample(p, p.counters().rx(q));
                sample(p, p.counters().tx(q));
            }
        }
    }

    private void sample(PortState p, QueueCounters c) {
        long total = c.dmaErrors();
        long seen = errorsSeen.getOrDefault(c, 0L);
        if (total > seen) {
            errorsSeen.put(c, total);
            String channel = c.channel();
            events.publish((seq, t) -> new BackendEvent.DmaErrors(seq, t, p.name(), c.name(), channel, total - seen,
                    total));
        }
    }

    // ---- helpers ----

    private synchronized List<PortConfig> portConfigs() {
        return new ArrayList<>(ports.values());
    }

    private PortState state(String name) {
        PortState p = name == null ? null : plane.port(name);
        if (p == null || p.removed()) {
            throw notFoundPort(name);
        }
        return p;
    }

    private static ControlException notFoundPort(String name) {
        return new ControlException(Code.NOT_FOUND, "unknown port: port=" + name);
    }
}
