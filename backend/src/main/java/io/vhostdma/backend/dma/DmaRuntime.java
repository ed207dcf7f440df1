package io.vhostdma.backend.dma;

import io.vhostdma.backend.dataplane.ChannelBinding;
import io.vhostdma.backend.dataplane.DataPlaneImpl;
import io.vhostdma.backend.dataplane.DmaHooks;
import io.vhostdma.backend.dataplane.PortState;
import io.vhostdma.config.BindingConfig;
import io.vhostdma.config.ChannelRef;
import io.vhostdma.config.DmaDeviceConfig;
import io.vhostdma.config.DpdkConfig;
import io.vhostdma.config.PortConfig;
import io.vhostdma.config.VhostdConfig;
import io.vhostdma.dma.ChannelConfig;
import io.vhostdma.dma.DeviceConfig;
import io.vhostdma.dma.DmaCapability;
import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaDevices;
import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.EngineOptions;
import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Registration;
import io.vhostdma.vhost.memory.GuestMemory;
import io.vhostdma.vhost.protocol.GuestMemoryListener;
import io.vhostdma.vhost.protocol.VhostDevice;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The DMA devices, channel bindings, guest-memory registrations and access groups of one vhostd.
 * Create it, hand it to the data plane as its {@link DmaHooks} and to every port's vhost-user endpoint as its
 * {@link GuestMemoryListener} (the session tells it when a guest's memory goes away or changes), then
 * {@link #start(DataPlaneImpl)}.
 */
public final class DmaRuntime implements DmaHooks, GuestMemoryListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dma");
    /** Registration calls may wait for engines: they run here, never on an event loop. */
    private static final Executor BLOCKING = r -> Thread.ofVirtual().name("vhostd-dma-ctl").start(r);
    private static final long PAGE = 4096;

    private final VhostdConfig config;
    private final DmaDevices devices = new DmaDevices();
    private final Map<String, DmaDevice> byName = new LinkedHashMap<>();
    /** Queue → binding and channel → holding queue; read by the control plane at every ring start. */
    private final ChannelBindings channels = new ChannelBindings();
    private final PortDomains domains = new PortDomains(devices.domains());
    private final Map<String, List<Registration>> guestMemory = new ConcurrentHashMap<>();
    private final Map<String, String> memoryKind = new ConcurrentHashMap<>();
    private final List<Registration> hostMemory = new ArrayList<>();
    private AccessControl access;

    /** Creates and starts every configured device and resolves the bindings. */
    public DmaRuntime(VhostdConfig config) {
        this.config = config;
        try {
            for (int i = 0; i < config.dma().size(); i++) {
                DmaDeviceConfig d = config.dma().get(i);
                byName.put(d.name(), startDevice(i, d));
            }
        } catch (RuntimeException e) {
            devices.close();
            throw e;
        }
        for (BindingConfig b : config.bindings()) {
            ChannelRef ref = new ChannelRef(b.device(), b.channel());
            ChannelBindings.PortQueue q = new ChannelBindings.PortQueue(b.port(), b.queue());
            channels.reserve(ref, q); // the config allows one queue per channel
            channels.bind(q, binding(byName.get(b.device()), ref));
        }
        for (PortConfig p : config.ports()) {
            addDomain(p.name());
        }
    }

    /** Gives a port its DMA domain ({@link PortDomains}) and returns the domain's handle. */
    public int addDomain(String port) {
        return domains.add(port).handle();
    }

    /** Forgets a removed port's domain and bindings (its memory was unregistered at its disconnect). */
    public void removePort(String port, int rings) {
        channels.removePort(port);
        domains.remove(port);
    }

    /** The channel {@code ref} names, or null when no such device or channel exists. */
    public ChannelBinding channel(ChannelRef ref) {
        DmaDevice d = byName.get(ref.device());
        if (d == null || ref.index() >= d.info().channels()) {
            return null;
        }
        return binding(d, ref);
    }

    /**
     * A binding to channel {@code index} of {@code d}: sealed memory only when the device's engine copies
     * outside the JVM ({@code NATIVE_ACCESS}) and {@code dpdk.unsealed-memory} is not {@code allow}.
     */
    private ChannelBinding binding(DmaDevice d, ChannelRef ref) {
        return new ChannelBinding(d.channel(ref.index()), ref, sealedOnly(d));
    }

    private boolean sealedOnly(DmaDevice d) {
        return d.info().has(DmaCapability.NATIVE_ACCESS)
                && config.dpdk().unsealedMemory() == DpdkConfig.UnsealedMemory.CPU;
    }

    /** Which channel each queue is bound to and which queue holds each channel (live binds and unbinds). */
    public ChannelBindings channels() {
        return channels;
    }

    private DmaDevice startDevice(int index, DmaDeviceConfig d) {
        String where = "dma[" + index + "]";
        if (!DmaDevices.engines().contains(d.engine())) {
            throw new DmaSetupException(where + ".engine: unknown engine " + d.engine() + " (available: "
                    + String.join(", ", DmaDevices.engines()) + ")", null);
        }
        EngineOptions defaults = EngineOptions.defaults();
        EngineOptions options = defaults.withMaxChannels(Math.max(defaults.maxChannels(), d.channels()))
                .withErrorProbability(d.errorProbability(), 0x5eedL + index)
                .withCompletionDelayNanos(d.completionDelayUs() * 1000L);
        if (d.dpdkDevice() != null) {
            options = options.withBacking(d.dpdkDevice(), config.dpdk().ealArgs());
        }
        DmaDevice dev = null;
        try {
            dev = devices.create(d.name(), d.engine(), options);
            dev.configure(new DeviceConfig(d.channels()));
            for (int c = 0; c < d.channels(); c++) {
                dev.setupChannel(c, new ChannelConfig(d.ringSize()));
            }
            dev.start();
            return dev;
        } catch (DmaException e) {
            if (dev != null && dev.state() != DmaDevice.State.STARTED) {
                dev.close();
            }
            throw new DmaSetupException(setupProblem(where, d, e), e);
        }
    }

    /** {@code path: message} for a device that did not start, at the config key that decides it. */
    private static String setupProblem(String where, DmaDeviceConfig d, DmaException e) {
        if (e instanceof DmaException.Unavailable) {
            return where + ".engine: engine " + d.engine() + " cannot run here: " + e.getMessage();
        }
        if (e.errno() == DmaErrno.EIO && e.getMessage().contains("DPDK EAL did not start")) {
            return "dpdk.eal-args: " + e.getMessage();
        }
        if (e instanceof DmaException.NotFound || e instanceof DmaException.AlreadyExists) {
            return where + ".dpdk-device: " + e.getMessage();
        }
        return where + ": cannot start device " + d.name() + ": " + e.getMessage();
    }

    /**
     * Registers the workers' staging buffers as host memory on every device, assigns each port its
     * domain and creates the configured access groups.
     */
    public void start(DataPlaneImpl plane) {
        for (MemorySegment seg : plane.stagingMemory()) {
            registerHost(seg);
        }
        for (PortState p : plane.ports()) {
            if (p != null) {
                p.domainHandle(domains.of(p.name()).handle());
            }
        }
        access = new AccessControl(config.accessGroups(), plane, devices.access(), List.copyOf(byName.values()),
                domains);
        access.start();
    }

    /** Registers vhostd's own buffer {@code seg} as host memory and maps it to every device. */
    public synchronized void registerHost(MemorySegment seg) {
        Registration r = devices.memory().register(DomainId.HOST, seg, null, PAGE);
        hostMemory.add(r);
        for (DmaDevice d : byName.values()) {
            devices.memory().map(d, r);
        }
    }

    /** Unregisters host memory {@link #registerHost} registered (a removed port's injector), from every device. */
    public synchronized void unregisterHost(MemorySegment seg) {
        for (java.util.Iterator<Registration> it = hostMemory.iterator(); it.hasNext(); ) {
            Registration r = it.next();
            if (r.memory().address() == seg.address()) {
                devices.memory().unregister(r);
                it.remove();
                return;
            }
        }
    }

    /** Host memory registrations in force (for tests: a removed port's buffers are unregistered). */
    public synchronized int hostRegistrations() {
        return hostMemory.size();
    }

    @Override
    public ChannelBinding binding(String port, int ringIndex) {
        return channels.binding(ChannelBindings.PortQueue.ofRing(port, ringIndex));
    }

    /** Revokes {@code device}'s guest memory on a virtual thread ({@link #retire}). */
    @Override
    public CompletableFuture<Void> memoryRetiring(VhostDevice device) {
        return CompletableFuture.runAsync(() -> retire(device.portName()), BLOCKING);
    }

    /** Re-registers {@code device}'s guest memory on a virtual thread ({@link #changed}). */
    @Override
    public CompletableFuture<Void> memoryChanged(VhostDevice device, GuestMemory old, GuestMemory next) {
        return CompletableFuture.runAsync(() -> changed(device.portName(), old, next), BLOCKING);
    }

    /** Stops every copy into or out of {@code port}'s current guest memory (it is about to go away). */
    void retire(String port) {
        DomainId domain = domains.of(port);
        if (domain != null && guestMemory.containsKey(port)) {
            int n = devices.memory().revoke(domain);
            LOG.log(Level.DEBUG, "guest memory revoked: port=" + port + " registrations=" + n);
        }
    }

    /** {@code port}'s guest memory changed from {@code old} to {@code next}: unregisters old, registers next. */
    void changed(String port, GuestMemory old, GuestMemory next) {
        List<Registration> previous = guestMemory.remove(port);
        if (previous != null) {
            for (Registration r : previous) {
                devices.memory().unregister(r);
            }
        }
        memoryKind.remove(port);
        if (next.regionCount() == 0 || byName.isEmpty()) {
            return;
        }
        boolean allowUnsealed = config.dpdk().unsealedMemory() == DpdkConfig.UnsealedMemory.ALLOW;
        GuestMemoryRegistrar.Result result = GuestMemoryRegistrar.register(devices.memory(), domains.of(port),
                next, List.copyOf(byName.values()), port, allowUnsealed);
        guestMemory.put(port, result.registrations());
        memoryKind.put(port, result.kind());
        LOG.log(Level.INFO, "guest memory registered: port=" + port + " regions=" + next.regionCount()
                + " kind=" + result.kind());
    }

    /** How {@code port}'s guest memory is registered ({@code external}, {@code dmabuf}, mixed), or null. */
    public String memoryKind(String port) {
        return memoryKind.get(port);
    }

    /** The DMA devices by name. */
    public Map<String, DmaDevice> devices() {
        return byName;
    }

    /** The DMA layer (domains, registry, access groups). */
    public DmaDevices layer() {
        return devices;
    }

    /** The domain of {@code port}, or null. */
    public DomainId domain(String port) {
        return domains.of(port);
    }

    /** Access groups: run-time join and leave, membership. */
    public AccessControl access() {
        return access;
    }

    @Override
    public void close() {
        for (Registration r : hostMemory) {
            try {
                devices.memory().unregister(r);
            } catch (DmaException e) {
                LOG.log(Level.WARNING, "cannot unregister host memory: " + e.getMessage());
            }
        }
        devices.close();
    }
}
