package io.vhostdma.dma.memory;

import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.spi.DmaEngineProvider;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memory registry: external memory and dmabuf registrations, per-device mapping, revocation.
 *
 * <p>Rules: a registration is a page-aligned native segment of a known domain; its IOVAs are its
 * virtual addresses unless per-page IOVAs are given. Ranges may not overlap an existing registration,
 * neither in VA nor in IOVA ({@code EEXIST}). A device may touch only registrations {@link #map mapped}
 * to it. {@link #revoke} marks a domain's memory so that no new op on it passes the layer's checks (they
 * complete with {@code REVOKED}); ops already handed to an engine finish normally (a device cannot take
 * them back). {@link #unmap} and {@link #unregister} first take the memory out of the devices'
 * translation tables, then wait until no op touching it is in flight (enqueued and not yet reaped), and
 * only then tell the engines; after {@code drainTimeoutNanos} they restore the tables and give up with
 * {@code EBUSY}. The registry never closes a dmabuf fd: it records fd and offset and hands them back.
 * The memory must stay mapped until {@code unregister} returned: a software engine reports memory that
 * vanished earlier as {@code BUS_ERROR}, a native engine (a device) would touch whatever is there.
 *
 * <p>Engines learn of the memory as seed 003 describes: every registration is passed to the
 * {@link DmaEngineProvider}s that have a device ({@link #attach}: the engines' runtimes register
 * it), and each {@link #map}/{@link #unmap} to the device's engine. Thread-safe; each change publishes
 * new translation tables to the affected devices and waits for their channels to quiesce.
 */
public final class MemoryRegistry {
    /** Default of how long unmap/unregister wait for ops in flight. */
    public static final long DEFAULT_DRAIN_TIMEOUT_NANOS = 5_000_000_000L;
    private final Domains domains;
    private final long drainTimeoutNanos;
    private final List<Registration> registrations = new ArrayList<>();
    private final Map<DmaDevice, Set<Registration>> mappings = new LinkedHashMap<>();
    private final List<DmaEngineProvider> providers = new ArrayList<>();

    /**
     * @param domains           the domain table registrations must belong to
     * @param drainTimeoutNanos how long unmap/unregister wait for ops in flight
     */
    public MemoryRegistry(Domains domains, long drainTimeoutNanos) {
        this.domains = domains;
        this.drainTimeoutNanos = drainTimeoutNanos;
    }

    /** @param domains the domain table registrations must belong to */
    public MemoryRegistry(Domains domains) {
        this(domains, DEFAULT_DRAIN_TIMEOUT_NANOS);
    }

    /**
     * Lets an engine provider's runtime know of every registration: the existing ones now, later ones
     * as they come (no-op when already attached).
     *
     * @param provider the provider of a device just created
     */
    public synchronized void attach(DmaEngineProvider provider) {
        if (providers.contains(provider)) {
            return;
        }
        List<Registration> done = new ArrayList<>();
        try {
            for (Registration r : registrations) {
                provider.register(r);
                done.add(r);
            }
        } catch (RuntimeException e) {
            for (Registration r : done) {
                provider.unregister(r);
            }
            throw e;
        }
        providers.add(provider);
    }

    /**
     * Withdraws every registration from every attached provider and forgets them (the layer is
     * closing; its devices are closed already, so nothing is mapped).
     */
    public synchronized void detachAll() {
        for (Registration r : registrations) {
            for (DmaEngineProvider p : providers) {
                p.unregister(r);
            }
        }
        registrations.clear();
        providers.clear();
    }

    /**
     * Registers external memory.
     *
     * @param domain   owner
     * @param memory   a native segment: its address is the VA, its size the length
     * @param iovas    one IOVA per page, or {@code null} for IOVA-as-VA
     * @param pageSize page size, a power of two; VA and length must be multiples of it
     * @return the registration
     */
    public Registration register(DomainId domain, MemorySegment memory, long[] iovas, long pageSize) {
        return add(domain, memory, iovas, pageSize, Registration.NO_FD, 0L);
    }

    /**
     * Registers dmabuf-backed memory. The fd stays the caller's: it is recorded and returned by
     * {@link Registration#dmabufFd()}, never closed.
     *
     * @param domain   owner
     * @param memory   the mapping of the dmabuf
     * @param fd       the dmabuf fd (non-negative)
     * @param offset   offset of the mapping within the dmabuf (non-negative)
     * @param iovas    one IOVA per page, or {@code null} for IOVA-as-VA
     * @param pageSize page size
     * @return the registration
     */
    public Registration registerDmabuf(DomainId domain, MemorySegment memory, int fd, long offset, long[] iovas,
                                       long pageSize) {
        if (fd < 0 || offset < 0) {
            throw new DmaException.InvalidArgument("bad dmabuf: fd=" + fd + " offset=" + offset);
        }
        return add(domain, memory, iovas, pageSize, fd, offset);
    }

    private synchronized Registration add(DomainId domain, MemorySegment memory, long[] iovas, long pageSize,
                                          int fd, long offset) {
        RegistrationRules.validate(domains, domain, memory, iovas, pageSize);
        Registration r = new Registration(domain, memory, iovas, pageSize, fd, offset);
        RegistrationRules.requireNoOverlap(r, registrations);
        List<DmaEngineProvider> done = new ArrayList<>();
        try {
            for (DmaEngineProvider p : providers) {
                p.register(r);
                done.add(p);
            }
        } catch (RuntimeException e) {
            for (DmaEngineProvider p : done) {
                p.unregister(r);
            }
            throw e;
        }
        registrations.add(r);
        return r;
    }

    /**
     * Unregisters memory: takes it out of every device's table, waits for the ops in flight on it, has
     * every engine unmap it and every provider unregister it.
     *
     * @param r the registration
     * @throws DmaException.Busy when ops on it are still in flight after the drain timeout (nothing changed)
     */
    public synchronized void unregister(Registration r) {
        requireKnown(r);
        List<DmaDevice> devices = devicesOf(r);
        for (DmaDevice d : devices) {
            mappings.get(d).remove(r);
            publish(d);
        }
        if (!awaitIdle(devices, r)) {
            for (DmaDevice d : devices) {
                mappings.get(d).add(r);
                publish(d);
            }
            throw busy(devices.get(0), r);
        }
        for (DmaDevice d : devices) {
            d.unmapMemory(r);
        }
        for (DmaEngineProvider p : providers) {
            p.unregister(r);
        }
        registrations.remove(r);
    }
    /**
     * @param va an address
     * @return the registration holding it (with its dmabuf fd and offset)
     * @throws DmaException.NotFound when none does
     */
    public synchronized Registration lookup(long va) {
        for (Registration r : registrations) {
            if (r.containsVa(va)) {
                return r;
            }
        }
        throw new DmaException.NotFound("no registration holds va=0x" + Long.toHexString(va));
    }

    /** @return all registrations */
    public synchronized List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    /**
     * Lets a device touch a registration.
     *
     * @param device the device
     * @param r      the registration
     */
    public synchronized void map(DmaDevice device, Registration r) {
        requireKnown(r);
        Set<Registration> set = mappings.computeIfAbsent(device, d -> new LinkedHashSet<>());
        if (set.contains(r)) {
            throw new DmaException.AlreadyExists("already mapped: device=" + device.name() + " " + r);
        }
        device.mapMemory(r); // the device may touch it before the first op that passes the checks
        set.add(r);
        publish(device);
    }

    /**
     * Stops a device touching a registration.
     *
     * @param device the device
     * @param r      the registration
     * @throws DmaException.Busy when ops on that device still touch it after the drain timeout (it
     *                            stays mapped)
     */
    public synchronized void unmap(DmaDevice device, Registration r) {
        Set<Registration> set = mappings.get(device);
        if (set == null || !set.contains(r)) {
            throw new DmaException.NotFound("not mapped: device=" + device.name() + " " + r);
        }
        set.remove(r);
        publish(device); // no op checked from now on passes on it
        if (!awaitIdle(List.of(device), r)) {
            set.add(r);
            publish(device);
            throw busy(device, r);
        }
        device.unmapMemory(r);
    }

    /**
     * Revokes every registration of a domain being torn down. When this returns, no engine is copying
     * into or out of them and none will start to.
     *
     * @param domain the domain
     * @return the number of registrations revoked
     */
    public synchronized int revoke(DomainId domain) {
        int n = 0;
        Set<DmaDevice> touched = new LinkedHashSet<>();
        for (Registration r : registrations) {
            if (r.domain().equals(domain) && !r.revoked()) {
                r.markRevoked();
                touched.addAll(devicesOf(r));
                n++;
            }
        }
        for (DmaDevice d : touched) {
            publish(d);
        }
        return n;
    }

    /**
     * @param device a device
     * @return the registrations mapped to it
     */
    public synchronized List<Registration> mapped(DmaDevice device) {
        Set<Registration> set = mappings.get(device);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Drops every mapping of a device being closed, unmapping each from its engine. @param device the device */
    public synchronized void forget(DmaDevice device) {
        Set<Registration> set = mappings.remove(device);
        if (set != null) {
            for (Registration r : set) {
                device.unmapMemory(r);
            }
        }
    }

    private List<DmaDevice> devicesOf(Registration r) {
        List<DmaDevice> out = new ArrayList<>();
        for (Map.Entry<DmaDevice, Set<Registration>> e : mappings.entrySet()) {
            if (e.getValue().contains(r)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private void requireKnown(Registration r) {
        if (!registrations.contains(r)) {
            throw new DmaException.NotFound("not registered: " + r);
        }
    }

    /**
     * Waits (after the devices' tables dropped {@code r} and their channels quiesced) until no op in
     * flight on them touches it, or the drain timeout passed.
     */
    private boolean awaitIdle(List<DmaDevice> devices, Registration r) {
        List<MemoryTable.Run> runs = new ArrayList<>();
        MemoryTable.addRuns(r, runs);
        long deadline = System.nanoTime() + drainTimeoutNanos;
        for (DmaDevice d : devices) {
            while (touched(d, runs)) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        return true;
    }

    private static boolean touched(DmaDevice device, List<MemoryTable.Run> runs) {
        for (MemoryTable.Run run : runs) {
            if (device.tables().inFlightTouches(run.iova(), run.length())) {
                return true;
            }
        }
        return false;
    }

    private DmaException busy(DmaDevice device, Registration r) {
        return new DmaException.Busy("copies in flight: device=" + device.name() + " va=0x" + Long.toHexString(r.va())
            + " len=" + r.length() + " waitedNanos=" + drainTimeoutNanos);
    }

    private void publish(DmaDevice device) {
        Set<Registration> set = mappings.get(device);
        device.tables().publishMemory(MemoryTable.of(set == null ? List.of() : set));
    }
}
