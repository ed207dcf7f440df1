package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import io.vhostdma.dma.memory.Registration;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Device-level DMA maps (seed 003): {@code rte_dev_dma_map(dev, va, iova, len)} for each IOVA-contiguous
 * run of a registration on a dmadev's {@code rte_device}, and {@code rte_dev_dma_unmap} to undo it. A PCI
 * device bound to vfio-pci gets the range in its IOMMU; a bus without a map operation ({@code ENOTSUP}:
 * devices working on virtual addresses, such as idxd with shared virtual addressing) needs none; a
 * vdev without its own map (the skeleton) accepts it as a no-op once the EAL knows the memory as external
 * memory. Every call made is kept in a {@link #ledger()} (tests prove the calls are made and undone).
 */
final class DeviceMaps {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dma.dpdk");
    /** {@code rte_bus_cmp_t} accepting every bus: {@code rte_bus_find} then walks them all. */
    private static final MemorySegment ANY_BUS = anyBus();
    private final DpdkRuntime rt;
    private final Map<String, MemorySegment> devices = new HashMap<>();
    private final List<String> ledger = new ArrayList<>();

    DeviceMaps(DpdkRuntime rt) {
        this.rt = rt;
    }

    private static MemorySegment anyBus() {
        try {
            var target = MethodHandles.lookup().findStatic(DeviceMaps.class, "acceptBus",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            return Linker.nativeLinker().upcallStub(target, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // called from native code through ANY_BUS
    private static int acceptBus(MemorySegment bus, MemorySegment data) {
        return 0;
    }

    /**
     * Maps every IOVA run of {@code r} for the dmadev's device.
     *
     * @return false when the device's bus has no map operation (nothing to undo later)
     */
    synchronized boolean map(DeviceInfo dev, Registration r) {
        MemorySegment device = device(dev.name());
        List<Registration.IovaRun> done = new ArrayList<>();
        try {
            for (Registration.IovaRun run : r.iovaRuns()) {
                call("rte_dev_dma_map", rt.lib.devDmaMap, device, dev, run);
                done.add(run);
            }
            return true;
        } catch (DmaException e) {
            for (Registration.IovaRun run : done) {
                call("rte_dev_dma_unmap", rt.lib.devDmaUnmap, device, dev, run);
            }
            if (e.errno() == DmaErrno.ENOTSUP && done.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "dpdk: dmadev " + dev.name() + " needs no DMA map (its bus has "
                    + "none: the device works on virtual addresses)");
                return false;
            }
            throw e;
        }
    }

    /** Unmaps every IOVA run of {@code r} for the dmadev's device. */
    synchronized void unmap(DeviceInfo dev, Registration r) {
        MemorySegment device = device(dev.name());
        for (Registration.IovaRun run : r.iovaRuns()) {
            call("rte_dev_dma_unmap", rt.lib.devDmaUnmap, device, dev, run);
        }
    }

    private void call(String fn, java.lang.invoke.MethodHandle h, MemorySegment device, DeviceInfo dev,
                      Registration.IovaRun run) {
        MemorySegment va = MemorySegment.ofAddress(run.va());
        String what = fn + " dev=" + dev.name() + " va=0x" + Long.toHexString(run.va()) + " iova=0x"
            + Long.toHexString(run.iova()) + " len=" + run.length();
        rt.check(what, true, () -> (int) h.invokeExact(device, va, run.iova(), run.length()));
        ledger.add(what);
    }

    /** @return every map and unmap call made, in order ({@code "<fn> dev=... va=... iova=... len=..."}) */
    synchronized List<String> ledger() {
        return List.copyOf(ledger);
    }

    /** The {@code rte_device} behind a dmadev: its own name, or (PCI queues, "-qN") the prefix before it. */
    private MemorySegment device(String dmadev) {
        return devices.computeIfAbsent(dmadev, name -> rt.control.call(() -> find(name)));
    }

    private MemorySegment find(String dmadev) {
        MemorySegment best = null;
        int bestLen = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bus = MemorySegment.NULL;
            while (true) {
                bus = (MemorySegment) rt.lib.busFind.invokeExact(bus, ANY_BUS, MemorySegment.NULL);
                if (bus.address() == 0) {
                    break;
                }
                String busName = string((MemorySegment) rt.lib.busName.invokeExact(bus));
                MemorySegment it = arena.allocate(DevIteratorLayout.LAYOUT);
                rt.control.clearErrno(); // it returns -rte_errno, success included
                if ((int) rt.lib.devIteratorInit.invokeExact(it, arena.allocateFrom("bus=" + busName)) != 0) {
                    continue; // a bus that cannot be iterated holds no dmadev we can map
                }
                for (MemorySegment d = next(it); d.address() != 0; d = next(it)) {
                    String n = string((MemorySegment) rt.lib.devName.invokeExact(d));
                    boolean match = n.equals(dmadev) || dmadev.startsWith(n + "-");
                    if (match && n.length() > bestLen) {
                        best = d;
                        bestLen = n.length();
                    }
                }
            }
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        if (best == null) {
            throw new DmaException.NotFound("no rte_device found for dmadev " + dmadev);
        }
        return best;
    }

    private MemorySegment next(MemorySegment it) throws Throwable {
        return (MemorySegment) rt.lib.devIteratorNext.invokeExact(it);
    }

    private static String string(MemorySegment s) {
        return s.address() == 0 ? "" : s.reinterpret(256).getString(0);
    }
}
