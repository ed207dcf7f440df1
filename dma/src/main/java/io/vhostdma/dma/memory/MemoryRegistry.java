package io.vhostdma.dma.memory;

import io.vhostdma.dma.DmaDevice;
import io.vhostdma.dma.DmaException;
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
 * to it. {@link #unregister} and {@link #unmap} are refused with {@code EBUSY} while an unfinished op
 * touches the range; {@link #revoke} marks a domain's memory so the engine never starts a copy into or
 * out of it again (those ops complete with {@code REVOKED}). The registry never closes a dmabuf fd: it
 * records fd and offset and hands them back. Thread-safe; each change publishes new translation tables
 * to the affected devices and waits for their engines to quiesce.
 */
public final class MemoryRegistry {
    private final Domains domains;
    private final List<Registration> registrations = new ArrayList<>();
    private final Map<DmaDevice, Set<Registration>> mappings = new LinkedHashMap<>();

    /** @param domains the domain table registrations must belong to */
    public MemoryRegistry(Domains domains) {
        this.domains = domains;
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
        registrations.add(r);
        return r;
    }

    /**
     * Unregisters memory, unmapping it from every device first.
     *
     * @param r the registration
     * @throws DmaException.Busy while an unfinished op touches it
     */
    public synchronized void unregister(Registration r) {
        requireKnown(r);
        List<DmaDevice> devices = devicesOf(r);
        for (DmaDevice d : devices) {
            requireIdle(d, r);
        }
        for (DmaDevice d : devices) {
            mappings.get(d).remove(r);
            publish(d);
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
        if (!mappings.computeIfAbsent(device, d -> new LinkedHashSet<>()).add(r)) {
            throw new DmaException.AlreadyExists("already mapped: device=" + device.name() + " " + r);
        }
        publish(device);
    }

    /**
     * Stops a device touching a registration.
     *
     * @param device the device
     * @param r      the registration
     * @throws DmaException.Busy while an unfinished op on that device touches it
     */
    public synchronized void unmap(DmaDevice device, Registration r) {
        Set<Registration> set = mappings.get(device);
        if (set == null || !set.contains(r)) {
            throw new DmaException.NotFound("not mapped: device=" + device.name() + " " + r);
        }
        requireIdle(device, r);
        set.remove(r);
        publish(device);
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

    /** Drops every mapping of a closed device. @param device the device */
    public synchronized void forget(DmaDevice device) {
        mappings.remove(device);
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

    private static void requireIdle(DmaDevice device, Registration r) {
        List<MemoryTable.Run> runs = new ArrayList<>();
        MemoryTable.addRuns(r, runs);
        for (MemoryTable.Run run : runs) {
            if (device.tables().inFlightTouches(run.iova(), run.length())) {
                throw new DmaException.Busy("copies in flight: device=" + device.name() + " va=0x"
                    + Long.toHexString(r.va()) + " len=" + r.length());
            }
        }
    }

    private void publish(DmaDevice device) {
        Set<Registration> set = mappings.get(device);
        device.tables().publishMemory(MemoryTable.of(set == null ? List.of() : set));
    }
}
