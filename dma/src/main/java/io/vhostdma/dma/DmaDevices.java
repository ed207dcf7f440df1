package io.vhostdma.dma;

import io.vhostdma.dma.access.AccessGroups;
import io.vhostdma.dma.memory.Domains;
import io.vhostdma.dma.memory.MemoryRegistry;
import io.vhostdma.dma.spi.DmaEngine;
import io.vhostdma.dma.spi.DmaEngineProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The DMA layer's root: the registry of devices by name, and the shared domain table, memory registry
 * and access groups. Create one per process (tests create their own). Thread-safe.
 */
public final class DmaDevices implements AutoCloseable {
    private final Map<String, DmaDevice> devices = new LinkedHashMap<>();
    private final Map<String, DmaEngineProvider> providers = new LinkedHashMap<>();
    private final Domains domains = new Domains();
    private final MemoryRegistry memory;
    private final AccessGroups access = new AccessGroups(domains);

    /** A DMA layer whose unmap/unregister wait up to 5 s for ops in flight on the memory. */
    public DmaDevices() {
        this(MemoryRegistry.DEFAULT_DRAIN_TIMEOUT_NANOS);
    }

    /**
     * @param drainTimeoutNanos how long {@code unmap}/{@code unregister} wait for the ops in flight on
     *                          the memory before they give up with {@code EBUSY}
     */
    public DmaDevices(long drainTimeoutNanos) {
        this.memory = new MemoryRegistry(domains, drainTimeoutNanos);
        for (DmaEngineProvider p : ServiceLoader.load(DmaEngineProvider.class)) {
            providers.putIfAbsent(p.name(), p);
        }
    }

    /** @return the names of the engines found by {@link ServiceLoader} */
    public static List<String> engines() {
        List<String> names = new ArrayList<>();
        for (DmaEngineProvider p : ServiceLoader.load(DmaEngineProvider.class)) {
            names.add(p.name());
        }
        return names;
    }

    /** Creates a device with {@link EngineOptions#defaults()}. @see #create(String, String, EngineOptions) */
    public DmaDevice create(String name, String engine) {
        return create(name, engine, EngineOptions.defaults());
    }

    /**
     * Creates a device.
     *
     * @param name    unique device name
     * @param engine  engine name ({@code cpu}, {@code sw}, or one provided through the SPI)
     * @param options limits and test knobs
     * @return the device, in state {@code CREATED}
     */
    public synchronized DmaDevice create(String name, String engine, EngineOptions options) {
        if (name == null || name.isEmpty()) {
            throw new DmaException.InvalidArgument("device name is empty");
        }
        if (devices.containsKey(name)) {
            throw new DmaException.AlreadyExists("device exists: device=" + name);
        }
        validate(name, options);
        DmaEngineProvider provider = providers.get(engine);
        if (provider == null) {
            throw new DmaException.NotFound("no such engine: engine=" + engine + " known=" + engines());
        }
        DmaEngine e = provider.create(name, options);
        try {
            memory.attach(provider); // the engine's runtime learns of every registration from now on
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
        DmaDevice d = new DmaDevice(this, name, engine, e);
        devices.put(name, d);
        return d;
    }

    private static void validate(String name, EngineOptions o) {
        int max = o.maxRingSize();
        if (max < EngineOptions.MIN_RING_SIZE || max > EngineOptions.MAX_RING_SIZE || Integer.bitCount(max) != 1) {
            throw new DmaException.InvalidArgument("maxRingSize must be a power of two in ["
                + EngineOptions.MIN_RING_SIZE + ", " + EngineOptions.MAX_RING_SIZE + "]: device=" + name
                + " maxRingSize=" + max);
        }
        if (o.maxChannels() < 1 || o.maxChannels() > 256) {
            throw new DmaException.InvalidArgument("maxChannels must be in [1, 256]: device=" + name
                + " maxChannels=" + o.maxChannels());
        }
    }

    /**
     * @param name a device name
     * @return the device
     */
    public synchronized DmaDevice get(String name) {
        DmaDevice d = devices.get(name);
        if (d == null) {
            throw new DmaException.NotFound("no such device: device=" + name);
        }
        return d;
    }

    /** @return the device names, in creation order */
    public synchronized List<String> names() {
        return List.copyOf(devices.keySet());
    }

    /** @return the domain table */
    public Domains domains() {
        return domains;
    }

    /** @return the memory registry */
    public MemoryRegistry memory() {
        return memory;
    }

    /** @return the access groups */
    public AccessGroups access() {
        return access;
    }

    void closed(DmaDevice device) {
        synchronized (this) {
            devices.remove(device.name());
        }
        memory.forget(device);
        access.forget(device);
    }

    /**
     * Stops and closes every device, then withdraws every registration still held from the engines'
     * runtimes (the memory stays its owner's).
     */
    @Override
    public void close() {
        List<DmaDevice> all;
        synchronized (this) {
            all = List.copyOf(devices.values());
        }
        for (DmaDevice d : all) {
            if (d.state() == DmaDevice.State.STARTED) {
                d.stop();
            }
            d.close();
        }
        memory.detachAll();
    }
}
