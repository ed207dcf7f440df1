package io.vhostdma.dma.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;

import io.vhostdma.dma.DmaErrno;
import io.vhostdma.dma.DmaException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one DPDK runtime of a process: started by the first {@code dpdk} device (never when none is
 * configured), from the configured EAL arguments, after the same arguments passed a probe in a child
 * JVM ({@link ProbeRunner}). The EAL runs on the {@link ControlThread}; the thread's affinity, which
 * {@code rte_eal_init} changes, is put back. Keeps which dmadevs are in use (one device of the DMA
 * layer each) and does the process-wide memory work: {@link ExtMem} registrations and the lookup of a
 * dmadev's {@code rte_device} for {@code rte_dev_dma_map}. Never shut down: the EAL lives as long as
 * the process (it cannot be initialised twice).
 */
final class DpdkRuntime {
    private static final System.Logger LOG = System.getLogger("io.vhostdma.dma.dpdk");
    /** {@code RTE_IOVA_VA}. */
    private static final int IOVA_VA = 2;
    private static DpdkRuntime instance; // guarded by the class
    private static RuntimeException failure;
    private static List<String> startedWith;

    final DpdkLibrary lib;
    final ControlThread control;
    final List<String> argv;
    final ExtMem extmem;
    final DeviceMaps maps;
    private final Set<Integer> claimed = new HashSet<>();

    private DpdkRuntime(DpdkLibrary lib, ControlThread control, List<String> argv) {
        this.lib = lib;
        this.control = control;
        this.argv = argv;
        this.extmem = new ExtMem(this);
        this.maps = new DeviceMaps(this);
    }

    /**
     * The process's runtime, started on first use with {@code configured} EAL arguments.
     *
     * @param configured the configured arguments (empty: {@link EalArgs#DEFAULTS})
     * @return the runtime
     * @throws DmaException.Unavailable when DPDK is not installed; {@code EIO} when the EAL did not start
     *                                  (now or at an earlier attempt); {@code EINVAL} when it was started
     *                                  with other arguments
     */
    static synchronized DpdkRuntime open(List<String> configured) {
        if (instance != null) {
            if (!startedWith.equals(configured)) {
                throw new DmaException.InvalidArgument("DPDK runtime already started with other EAL arguments: "
                    + "started=" + startedWith + " requested=" + configured);
            }
            return instance;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            instance = start(configured);
            startedWith = List.copyOf(configured);
            return instance;
        } catch (DmaException.Unavailable e) {
            throw e; // nothing was started: a later call may find the libraries (tests set the property)
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** @return the started runtime, or null */
    static synchronized DpdkRuntime current() {
        return instance;
    }

    private static DpdkRuntime start(List<String> configured) {
        DpdkLibrary lib = DpdkLibrary.load();
        ControlThread control = new ControlThread(lib);
        List<Integer> cpus = control.call(() -> Affinity.cpus(Affinity.get()));
        String prefix = "vhostd-" + ProcessHandle.current().pid();
        List<String> argv = EalArgs.build(configured, prefix, cpus);
        ProbeRunner.run(EalArgs.withFilePrefix(argv, prefix + "-probe"));
        control.call(() -> {
            initEal(lib, control, argv);
            return null;
        });
        DpdkRuntime rt = new DpdkRuntime(lib, control, argv);
        rt.checkIovaMode();
        LOG.log(System.Logger.Level.INFO, "dpdk: EAL started: args=" + String.join(" ", argv.subList(1, argv.size()))
            + " dmadevs=" + rt.describeDevices());
        return rt;
    }

    /** On the control thread: {@code rte_eal_init}, then this thread's affinity as it was. */
    private static void initEal(DpdkLibrary lib, ControlThread control, List<String> argv) {
        byte[] before = Affinity.get();
        int r = DpdkProbe.init(lib, argv);
        int errno = control.errno();
        Affinity.set(before);
        if (r < 0) {
            throw new DmaException(DmaErrno.EIO, "DPDK EAL did not start: rte_eal_init failed: " + lib.strerror(errno)
                + " (errno=" + errno + ", eal-args=" + String.join(" ", argv.subList(1, argv.size())) + ")");
        }
        removeEmptyRuntimeDir(lib);
    }

    /** With {@code --no-shconf} the EAL writes no file, but still creates its runtime directory. */
    static void removeEmptyRuntimeDir(DpdkLibrary lib) {
        try {
            MemorySegment dir = (MemorySegment) lib.runtimeDir.invokeExact();
            Path p = Path.of(dir.reinterpret(4096).getString(0));
            try (var entries = Files.list(p)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // leave it: an empty directory under the DPDK runtime root does no harm
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
    }

    private void checkIovaMode() {
        int mode;
        try {
            mode = (int) lib.iovaMode.invokeExact();
        } catch (Throwable t) {
            throw Dpdk.unexpected(t);
        }
        if (mode != IOVA_VA) {
            LOG.log(System.Logger.Level.WARNING, "dpdk: IOVA mode is not VA (mode=" + mode + "): vhostd hands devices "
                + "IOVA = virtual address; use --iova-mode=va with an IOMMU (vfio-pci) or SVA (idxd)");
        }
    }

    /**
     * Takes a dmadev for one device of the DMA layer.
     *
     * @param name the dmadev name
     * @return its info
     * @throws DmaException.NotFound naming the dmadevs there are; AlreadyExists when another device uses it
     */
    synchronized DeviceInfo claim(String name) {
        List<DeviceInfo> all = DeviceInfo.all(lib);
        for (DeviceInfo d : all) {
            if (d.name().equals(name)) {
                if (!claimed.add(d.id())) {
                    throw new DmaException.AlreadyExists("dmadev already used by another DMA device: dpdk-device=" + name);
                }
                return d;
            }
        }
        throw new DmaException.NotFound("no such dmadev: dpdk-device=" + name + " (DPDK has: "
            + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(DeviceInfo::name).toList()))
            + "; a skeleton dmadev needs --vdev=" + name + " in the EAL arguments, hardware needs its driver bound)");
    }

    /** @return the info of a dmadev by name (for tests and diagnostics) */
    DeviceInfo claimedInfo(String name) {
        return DeviceInfo.all(lib).stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    /** Gives a claimed dmadev back (the DMA layer's device closed). @param id its id */
    synchronized void release(int id) {
        claimed.remove(id);
    }

    private String describeDevices() {
        List<String> names = new ArrayList<>();
        for (DeviceInfo d : DeviceInfo.all(lib)) {
            names.add(d.name());
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    /** @return the address of dmadev {@code id}'s entry in {@code rte_dma_fp_objs} (read after start) */
    MemorySegment fpObject(int id) {
        MemorySegment table = lib.fpObjsVariable.get(ADDRESS, 0);
        long size = FpObjectLayout.LAYOUT.byteSize();
        return table.reinterpret(size * (id + 1L)).asSlice(size * id, size);
    }

    /**
     * Calls {@code call} on the control thread; a negative result is a DPDK failure: with
     * {@code rteErrno} the call returned -1 and set {@code rte_errno} (EAL calls), else it returned the
     * negative errno (dmadev calls).
     *
     * @param what     the call and its arguments, for the message
     * @param rteErrno whether the errno is in {@code rte_errno}
     * @param call     the downcall
     * @return its non-negative result
     * @throws DmaException EIO (EEXIST, ENOTSUP kept as such) naming the call and DPDK's error text
     */
    int check(String what, boolean rteErrno, IntCall call) {
        return control.call(() -> {
            int r;
            try {
                r = call.invoke();
            } catch (Throwable t) {
                throw Dpdk.unexpected(t);
            }
            if (r < 0) {
                int errno = rteErrno ? control.errno() : -r;
                int code = errno == DmaErrno.EEXIST || errno == DmaErrno.ENOTSUP ? errno : DmaErrno.EIO;
                throw new DmaException(code, what + " failed: " + lib.strerror(errno) + " (errno=" + errno + ")");
            }
            return r;
        });
    }

    /** A downcall returning an int. */
    @FunctionalInterface
    interface IntCall {
        int invoke() throws Throwable;
    }
}
